package io.keyshift.notify;

/**
 * A message was not accepted by the mail server. The message text never holds the message body;
 * it may quote the server's reply (which names the recipient, never the body).
 */
public class MailerException extends Exception {

	/** What a refusal means for the notification. */
	public enum Refusal {

		/**
		 * Not accepted this time: no connection, a timeout, a reply outside the classes below. The
		 * notification stays pending and is tried again after its backoff.
		 */
		TEMPORARY,

		/**
		 * The server asks us to slow down (421, 451, 454): the senders slow down and the message is
		 * tried again in this run, after a pause.
		 */
		THROTTLED,

		/**
		 * The server refused this recipient or this message for good (5xx): the notification becomes
		 * UNDELIVERABLE and is not tried again by itself.
		 */
		PERMANENT
	}

	private final Refusal refusal;

	public MailerException(String message) {
		this(message, Refusal.TEMPORARY, null);
	}

	public MailerException(String message, Throwable cause) {
		this(message, Refusal.TEMPORARY, cause);
	}

	public MailerException(String message, Refusal refusal, Throwable cause) {
		super(message, cause);
		this.refusal = refusal;
	}

	public Refusal refusal() {
		return refusal;
	}
}
