package io.keyshift.notify;

import java.nio.charset.StandardCharsets;
import java.util.Date;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;

/**
 * Sends through Spring's {@link JavaMailSender} (configured by {@code spring.mail.*}): one
 * multipart/alternative message, plain text first, then HTML, both UTF-8. Failures become a
 * {@link MailerException} whose message describes the failure, never the message body.
 */
public class SmtpMailer implements Mailer {

	private static final String UTF_8 = StandardCharsets.UTF_8.name();

	private final JavaMailSender sender;

	public SmtpMailer(JavaMailSender sender) {
		this.sender = sender;
	}

	@Override
	public void send(OutgoingMessage message) throws MailerException {
		MimeMessage mime;
		try {
			mime = sender.createMimeMessage();
			mime.setFrom(address(message.from(), "From"));
			mime.setRecipient(MimeMessage.RecipientType.TO, address(message.to(), "recipient"));
			mime.setSubject(message.subject(), UTF_8);
			mime.setSentDate(new Date());
			mime.setHeader("Auto-Submitted", "auto-generated");
			MimeBodyPart text = new MimeBodyPart();
			text.setText(message.text(), UTF_8, "plain");
			MimeBodyPart html = new MimeBodyPart();
			html.setText(message.html(), UTF_8, "html");
			MimeMultipart alternative = new MimeMultipart("alternative");
			alternative.addBodyPart(text);
			alternative.addBodyPart(html);
			mime.setContent(alternative);
		}
		catch (MessagingException ex) {
			throw new MailerException("the message cannot be built: " + ex.getClass().getSimpleName());
		}
		try {
			sender.send(mime);
		}
		catch (MailException ex) {
			throw new MailerException(describe(ex), ex);
		}
	}

	private static InternetAddress address(String value, String role) throws MailerException {
		try {
			InternetAddress address = new InternetAddress(value, true);
			address.validate();
			return address;
		}
		catch (AddressException | RuntimeException ex) {
			throw new MailerException("the " + role + " address is not a valid e-mail address");
		}
	}

	/** The innermost cause says most (e.g. "Connection refused"); the failed message itself is not quoted. */
	private static String describe(MailException ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String detail = root.getMessage() == null ? "" : ": " + root.getMessage();
		if (ex instanceof org.springframework.mail.MailSendException send && !send.getFailedMessages().isEmpty()) {
			Exception first = send.getFailedMessages().values().iterator().next();
			Throwable cause = first;
			while (cause.getCause() != null && cause.getCause() != cause) {
				cause = cause.getCause();
			}
			detail = ": " + cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
		}
		return ex.getClass().getSimpleName() + detail;
	}
}
