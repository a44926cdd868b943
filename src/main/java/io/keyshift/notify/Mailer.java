package io.keyshift.notify;

/** Sends one message. Returning normally means the mail server accepted it. */
public interface Mailer {

	/**
	 * @throws MailerException when the message was not accepted (server down, refused, bad address);
	 * the message says why and holds nothing of the message body
	 */
	void send(OutgoingMessage message) throws MailerException;
}
