package io.keyshift.notify;

import java.nio.charset.StandardCharsets;
import java.util.Date;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import io.keyshift.notify.MailerException.Refusal;

import org.springframework.mail.MailException;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;

/**
 * Sends through Spring's {@link JavaMailSender} (configured by {@code spring.mail.*}): one
 * multipart/alternative message, plain text first, then HTML, both UTF-8. Failures become a
 * {@link MailerException} whose message describes the failure (with the server's reply when there
 * is one), never the message body, and whose {@link MailerException#refusal()} classifies it
 * ({@link SmtpReplies}).
 *
 * <p>{@link #send} opens a connection per message. {@link #connect()} gives a sender a connection
 * of its own that stays open between messages: the same Jakarta Mail session, host, port and login
 * Spring's sender uses, but one message per {@code sendMessage} call, so that each message can be
 * marked delivered as soon as the server accepted it (Spring's batch {@code send(MimeMessage...)}
 * reports only at the end of the batch).
 */
public class SmtpMailer implements Mailer {

	private static final String UTF_8 = StandardCharsets.UTF_8.name();

	/** Jakarta Mail's stream provider, named so that the API does not search the class path for it. */
	static final String STREAM_PROVIDER = "jakarta.mail.util.StreamProvider";

	static {
		// Jakarta Mail 2.1 looks its StreamProvider up with a ServiceLoader on every body part, multipart
		// and encoded header (jakartaee/mail-api#699, #861): in the Boot jar that scan of the nested
		// jars took about two thirds of deliver's CPU. Named by this system property, the API loads
		// the class by name instead (already loaded after the first message).
		if (System.getProperty(STREAM_PROVIDER) == null) {
			System.setProperty(STREAM_PROVIDER, "org.eclipse.angus.mail.util.MailStreamProvider");
		}
	}

	private final JavaMailSender sender;

	public SmtpMailer(JavaMailSender sender) {
		this.sender = sender;
	}

	@Override
	public void send(OutgoingMessage message) throws MailerException {
		MimeMessage mime = mime(sender.createMimeMessage(), message);
		try {
			sender.send(mime);
		}
		catch (MailException ex) {
			throw new MailerException(SmtpReplies.describe(ex), SmtpReplies.refusal(ex), ex);
		}
	}

	@Override
	public MailConnection connect() {
		if (sender instanceof JavaMailSenderImpl impl) {
			return new SmtpConnection(impl);
		}
		return Mailer.super.connect();
	}

	static MimeMessage mime(MimeMessage mime, OutgoingMessage message) throws MailerException {
		try {
			mime.setFrom(address(message.from(), "From", Refusal.TEMPORARY));
			mime.setRecipient(MimeMessage.RecipientType.TO, address(message.to(), "recipient", Refusal.PERMANENT));
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
			return mime;
		}
		catch (MessagingException ex) {
			throw new MailerException("the message cannot be built: " + ex.getClass().getSimpleName());
		}
	}

	/** A malformed recipient stays malformed until the operator fixes it: a permanent refusal. */
	private static InternetAddress address(String value, String role, Refusal refusal) throws MailerException {
		try {
			InternetAddress address = new InternetAddress(value, true);
			address.validate();
			return address;
		}
		catch (AddressException | RuntimeException ex) {
			throw new MailerException("the " + role + " address is not a valid e-mail address", refusal, null);
		}
	}

	/**
	 * One open SMTP connection. Connects on the first message; after any failure it is closed (the
	 * server may have dropped it, or be in the middle of a refused exchange) and the next message
	 * connects again. A temporary failure on a connection that had already carried a message (most
	 * likely the server closed it while idle) is tried once more at once, on a new connection.
	 */
	static final class SmtpConnection implements MailConnection {

		private final JavaMailSenderImpl impl;

		private final Session session;

		private Transport transport;

		private int sentOnThisConnection;

		SmtpConnection(JavaMailSenderImpl impl) {
			this.impl = impl;
			this.session = impl.getSession();
		}

		@Override
		public void send(OutgoingMessage message) throws MailerException {
			MimeMessage mime = mime(new MimeMessage(session), message);
			try {
				mime.saveChanges();
			}
			catch (MessagingException ex) {
				throw new MailerException("the message cannot be built: " + ex.getClass().getSimpleName());
			}
			try {
				attempt(mime);
			}
			catch (MessagingException | RuntimeException ex) {
				boolean reused = sentOnThisConnection > 0;
				close();
				Refusal refusal = SmtpReplies.refusal(ex);
				if (!reused || refusal != Refusal.TEMPORARY) {
					throw failed(mime, ex);
				}
				try {
					attempt(mime);
				}
				catch (MessagingException | RuntimeException again) {
					close();
					throw failed(mime, again);
				}
			}
		}

		/** Worded as Spring's sender words the same failure (its MailSendException keeps it per message). */
		private static MailerException failed(MimeMessage mime, Exception ex) {
			MailSendException spring = new MailSendException(java.util.Map.of(mime, ex));
			return new MailerException(SmtpReplies.describe(spring), SmtpReplies.refusal(spring), ex);
		}

		private void attempt(MimeMessage mime) throws MessagingException {
			if (transport == null) {
				Transport t = session.getTransport(impl.getProtocol() == null ? "smtp" : impl.getProtocol());
				String username = impl.getUsername();
				String password = impl.getPassword();
				if (username == null || username.isEmpty()) {
					username = null;
					if (password != null && password.isEmpty()) {
						password = null;
					}
				}
				t.connect(impl.getHost(), impl.getPort(), username, password);
				transport = t;
				sentOnThisConnection = 0;
			}
			transport.sendMessage(mime, mime.getAllRecipients());
			sentOnThisConnection++;
		}

		@Override
		public void close() {
			Transport t = transport;
			transport = null;
			sentOnThisConnection = 0;
			if (t != null) {
				try {
					t.close();
				}
				catch (MessagingException | RuntimeException ex) {
					// closing a connection the server dropped: nothing to do
				}
			}
		}
	}
}
