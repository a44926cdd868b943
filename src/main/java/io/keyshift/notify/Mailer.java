package io.keyshift.notify;

/** Sends messages. Returning normally means the mail server accepted the message. */
public interface Mailer {

	/**
	 * @throws MailerException when the message was not accepted (server down, refused, bad address);
	 * the message says why and holds nothing of the message body
	 */
	void send(OutgoingMessage message) throws MailerException;

	/**
	 * A connection of its own for one sender, to send many messages over. By default each message
	 * goes through {@link #send} (a mailer that keeps no connection).
	 */
	default MailConnection connect() {
		return new MailConnection() {

			@Override
			public void send(OutgoingMessage message) throws MailerException {
				Mailer.this.send(message);
			}

			@Override
			public void close() {
			}
		};
	}
}
