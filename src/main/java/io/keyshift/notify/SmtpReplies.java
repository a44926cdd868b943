package io.keyshift.notify;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.mail.MessagingException;

import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;

import org.springframework.mail.MailSendException;

import io.keyshift.notify.MailerException.Refusal;

/**
 * What a failed SMTP exchange means, from the reply codes Jakarta Mail reports along its cause chain
 * (RFC 5321 §4.2): 421, 451 and 454 ask the client to slow down; another 4xx, or no reply at all
 * (no connection, a timeout), is temporary; a 5xx refusal of the recipient (RCPT TO) or of the
 * message (after DATA) is permanent. A 5xx refusal of the sender (MAIL FROM) or of the login says
 * nothing about this recipient: it is temporary (the operator fixes the settings), never a reason to
 * give up on the user.
 */
final class SmtpReplies {

	/** {@code ..., response: 421 Too many connections} in a refused greeting. */
	private static final Pattern GREETING = Pattern.compile("response: (\\d{3})");

	private SmtpReplies() {
	}

	/** The reply code the server gave, or -1 when the failure carries none. */
	static int code(Throwable failure) {
		for (Throwable t = unwrap(failure); t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof SMTPAddressFailedException a) {
				return a.getReturnCode();
			}
			if (t instanceof SMTPSenderFailedException s) {
				return s.getReturnCode();
			}
			if (t instanceof SMTPSendFailedException s) {
				return s.getReturnCode();
			}
			if (t instanceof MessagingException && t.getMessage() != null) {
				Matcher m = GREETING.matcher(t.getMessage());
				if (m.find()) {
					return Integer.parseInt(m.group(1));
				}
			}
		}
		return -1;
	}

	static Refusal refusal(Throwable failure) {
		int code = code(failure);
		if (code == 421 || code == 451 || code == 454) {
			return Refusal.THROTTLED;
		}
		if (code >= 500 && code <= 599 && aboutTheRecipientOrMessage(failure)) {
			return Refusal.PERMANENT;
		}
		return Refusal.TEMPORARY;
	}

	/** The server's reply, on one line. */
	private static String text(Throwable t) {
		return t.getMessage() == null ? "(no reply text)" : t.getMessage().strip().replaceAll("\\s*[\\r\\n]+\\s*", " ");
	}

	private static boolean aboutTheRecipientOrMessage(Throwable failure) {
		for (Throwable t = unwrap(failure); t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof SMTPSenderFailedException) {
				return false;
			}
			if (t instanceof SMTPAddressFailedException || t instanceof SMTPSendFailedException) {
				return true;
			}
		}
		return false;
	}

	/**
	 * The failure in one line: the server's reply when there is one ({@code RCPT TO refused: 550 5.1.1
	 * <x@example.com>: User unknown}), else the innermost cause ({@code ConnectException: Connection
	 * refused}). Never the message itself.
	 */
	static String describe(Throwable failure) {
		for (Throwable t = unwrap(failure); t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof SMTPAddressFailedException a) {
				return "RCPT TO refused: " + text(a);
			}
			if (t instanceof SMTPSenderFailedException s) {
				return "MAIL FROM refused: " + text(s);
			}
			if (t instanceof SMTPSendFailedException s) {
				return "message refused: " + text(s);
			}
		}
		// no reply: as Spring's sender words it, e.g. MailSendException: ConnectException: Connection refused
		Throwable root = innermost(failure);
		String detail = root.getMessage() == null ? "" : ": " + root.getMessage();
		if (failure instanceof MailSendException send && !send.getFailedMessages().isEmpty()) {
			Throwable cause = innermost(send.getFailedMessages().values().iterator().next());
			detail = ": " + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
		}
		return failure.getClass().getSimpleName() + detail;
	}

	/** Spring's MailSendException keeps each message's failure in a map, not as its cause. */
	private static Throwable unwrap(Throwable failure) {
		if (failure instanceof MailSendException send && !send.getFailedMessages().isEmpty()) {
			return send.getFailedMessages().values().iterator().next();
		}
		return failure;
	}

	private static Throwable innermost(Throwable t) {
		Throwable root = t;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}
}
