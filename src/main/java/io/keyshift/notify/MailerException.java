package io.keyshift.notify;

/** A message was not accepted by the mail server. The message text never holds the message body. */
public class MailerException extends Exception {

	public MailerException(String message) {
		super(message);
	}

	public MailerException(String message, Throwable cause) {
		super(message, cause);
	}
}
