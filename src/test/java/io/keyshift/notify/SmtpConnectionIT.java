package io.keyshift.notify;

import java.time.Duration;

import io.keyshift.notify.MailerException.Refusal;
import io.keyshift.support.ScriptedSmtpServer;
import org.junit.jupiter.api.Test;

import org.springframework.mail.javamail.JavaMailSenderImpl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A sender's SMTP connection against servers that misbehave in the ways real ones do. */
class SmtpConnectionIT {

	private static final OutgoingMessage MESSAGE = new OutgoingMessage("keyshift@example.com", "ana@example.com",
			"Your tokens", "token dbtu_secret", "<p>token dbtu_secret</p>");

	private static SmtpMailer mailer(int port, Duration timeout) {
		JavaMailSenderImpl sender = new JavaMailSenderImpl();
		sender.setHost("127.0.0.1");
		sender.setPort(port);
		DeliveryCommand.withTimeouts(sender, timeout);
		return new SmtpMailer(sender);
	}

	@Test
	void aServerThatAcceptsTheConnectionAndNeverAnswersFailsTheAttemptWithinTheTimeout() throws Exception {
		try (ScriptedSmtpServer silent = ScriptedSmtpServer.silent();
				MailConnection connection = mailer(silent.port(), Duration.ofSeconds(1)).connect()) {
			long start = System.nanoTime();

			MailerException failure = catchThrowableOfType(MailerException.class, () -> connection.send(MESSAGE));

			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
			assertThat(failure.refusal()).isEqualTo(Refusal.TEMPORARY);
			assertThat(failure.getMessage()).containsIgnoringCase("timed out").doesNotContain("dbtu_");
		}
	}

	@Test
	void oneConnectionCarriesManyMessages() throws Exception {
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start();
				MailConnection connection = mailer(server.port(), Duration.ofSeconds(5)).connect()) {
			for (int i = 0; i < 25; i++) {
				connection.send(MESSAGE);
			}
			assertThat(server.received()).hasSize(25);
			assertThat(server.connections()).isEqualTo(1);
		}
	}

	@Test
	void repliesAreClassifiedThrottledPermanentOrTemporaryAndQuoted() throws Exception {
		try (ScriptedSmtpServer server = ScriptedSmtpServer.start().rcptReply((to, tries) -> switch (tries) {
			case 0 -> "454 4.7.0 Throttling failure: Maximum sending rate exceeded";
			case 1 -> "550 5.1.1 <ana@example.com>: User unknown";
			case 2 -> "452 4.3.1 Insufficient system storage";
			default -> "250 OK";
		}); MailConnection connection = mailer(server.port(), Duration.ofSeconds(5)).connect()) {
			MailerException throttled = catchThrowableOfType(MailerException.class, () -> connection.send(MESSAGE));
			MailerException permanent = catchThrowableOfType(MailerException.class, () -> connection.send(MESSAGE));
			MailerException temporary = catchThrowableOfType(MailerException.class, () -> connection.send(MESSAGE));
			connection.send(MESSAGE);

			assertThat(throttled.refusal()).isEqualTo(Refusal.THROTTLED);
			assertThat(throttled.getMessage()).contains("454 4.7.0 Throttling failure");
			assertThat(permanent.refusal()).isEqualTo(Refusal.PERMANENT);
			assertThat(permanent.getMessage()).isEqualTo("RCPT TO refused: 550 5.1.1 <ana@example.com>: User unknown");
			assertThat(temporary.refusal()).isEqualTo(Refusal.TEMPORARY);
			assertThat(temporary.getMessage()).contains("452 4.3.1");
			assertThat(server.received()).hasSize(1);
		}
	}

	@Test
	void aMalformedRecipientIsAPermanentRefusal() {
		assertThatThrownBy(() -> mailer(1, Duration.ofSeconds(1)).connect()
			.send(new OutgoingMessage("keyshift@example.com", "not an address", "s", "t", "h")))
			.isInstanceOfSatisfying(MailerException.class,
					ex -> assertThat(ex.refusal()).isEqualTo(Refusal.PERMANENT));
	}
}
