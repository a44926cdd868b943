package io.keyshift.notify;

/**
 * One sender's connection to the mail server, kept open between messages and opened again when the
 * server closed it. Used by one thread at a time.
 */
public interface MailConnection extends AutoCloseable {

	/**
	 * Sends one message; returning normally means the server accepted it.
	 * @throws MailerException when it was not accepted; {@link MailerException#refusal()} says what
	 * that means for the notification
	 */
	void send(OutgoingMessage message) throws MailerException;

	@Override
	void close();
}
