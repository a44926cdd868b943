package io.keyshift.notify;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.mail.javamail.JavaMailSenderImpl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmtpMailerIT {

	@RegisterExtension
	static final GreenMailExtension greenMail = new GreenMailExtension(
			new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
		.withPerMethodLifecycle(true);

	private static SmtpMailer mailer() {
		JavaMailSenderImpl sender = new JavaMailSenderImpl();
		sender.setHost("127.0.0.1");
		sender.setPort(greenMail.getSmtp().getPort());
		return new SmtpMailer(sender);
	}

	@Test
	void sendsOneMultipartAlternativeMessageWithTextThenHtmlInUtf8() throws Exception {
		mailer().send(new OutgoingMessage("keyshift@example.com", "zoë@example.com", "Jetons für Zürich ✓",
				"Grüße, token dbtu_x\n", "<p>Grüße, <code>dbtu_x</code></p>"));

		MimeMessage[] received = greenMail.getReceivedMessages();
		assertThat(received).hasSize(1);
		MimeMessage m = received[0];
		assertThat(m.getSubject()).isEqualTo("Jetons für Zürich ✓");
		assertThat(m.getFrom()[0].toString()).isEqualTo("keyshift@example.com");
		assertThat(m.getContentType()).startsWith("multipart/alternative");
		MimeMultipart parts = (MimeMultipart) m.getContent();
		assertThat(parts.getCount()).isEqualTo(2);
		assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain").containsIgnoringCase("utf-8");
		// SMTP carries lines ending CRLF
		assertThat(((String) parts.getBodyPart(0).getContent()).replace("\r\n", "\n")).isEqualTo("Grüße, token dbtu_x\n");
		assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html").containsIgnoringCase("utf-8");
		assertThat(parts.getBodyPart(1).getContent()).isEqualTo("<p>Grüße, <code>dbtu_x</code></p>");
	}

	@Test
	void anInvalidRecipientFailsWithoutQuotingTheMessage() {
		assertThatThrownBy(() -> mailer().send(new OutgoingMessage("keyshift@example.com", "not an address\r\nBcc: x@y",
				"subject", "secret body dbtu_x", "<p>secret body dbtu_x</p>")))
			.isInstanceOf(MailerException.class)
			.hasMessageContaining("recipient address")
			.hasMessageNotContaining("secret body");
		assertThat(greenMail.getReceivedMessages()).isEmpty();
	}

	@Test
	void aServerThatIsDownFailsWithTheReasonAndNotTheMessage() {
		SmtpMailer mailer = mailer();
		greenMail.stop();

		assertThatThrownBy(() -> mailer.send(new OutgoingMessage("keyshift@example.com", "ana@example.com",
				"subject", "secret body dbtu_x", "<p>secret body dbtu_x</p>")))
			.isInstanceOf(MailerException.class)
			.hasMessageContaining("Connection refused")
			.hasMessageNotContaining("secret body");
	}
}
