package io.keyshift.notify;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import io.keyshift.store.NotificationStore;
import io.keyshift.token.DeliveryKey;
import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryCommandTests {

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private static final MailSettings SETTINGS = new MailSettings("keyshift@example.com", 100, Duration.ofMinutes(1),
			Duration.ofHours(1), Duration.ofMinutes(10), false);

	private static final DeliveryKey KEY = DeliveryKey.of(new byte[32]);

	private int run(MailSettings settings, boolean withMailServer, DeliveryKey key) {
		// no store: each of these stops before the database is touched
		DeliveryCommand command = new DeliveryCommand(null, () -> withMailServer ? new JavaMailSenderImpl() : null,
				new NoTransactions(), settings, Clock.systemUTC());
		return command.run(false, key, () -> false, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private String err() {
		return err.toString(StandardCharsets.UTF_8);
	}

	@Test
	void aFromAddressThatIsNoAddressStopsARealDeliveryAndADryRunBeforeAnythingIsSent() {
		for (String from : new String[] { "IT Security", "security@", "a@b.example, c@d.example", "<@example.com>" }) {
			MailSettings settings = new MailSettings(from, 100, Duration.ofMinutes(1), Duration.ofHours(1),
					Duration.ofMinutes(10), false);
			err.reset();
			// no store: the check comes before the database is touched, in a real run and a dry run alike
			assertThat(run(settings, true, KEY)).as(from).isEqualTo(DeliveryCommand.USAGE);
			assertThat(err()).as(from).isEqualTo("keyshift: the From address '" + from + "' (keyshift.mail.from,"
					+ " KEYSHIFT_MAIL_FROM) is not an e-mail address: write it as security@example.com or 'IT Security"
					+ " <security@example.com>'. Nothing was sent." + System.lineSeparator());
			err.reset();
			DeliveryCommand dryRun = new DeliveryCommand(null, () -> null, new NoTransactions(), settings,
					Clock.systemUTC());
			assertThat(dryRun.run(true, null, () -> false, new PrintStream(out, true, StandardCharsets.UTF_8),
					new PrintStream(err, true, StandardCharsets.UTF_8))).as(from).isEqualTo(DeliveryCommand.USAGE);
			assertThat(err()).as(from).contains("is not an e-mail address");
		}
	}

	@Test
	void aFromAddressWithADisplayNameIsFine() {
		for (String from : new String[] { "security@example.com", "IT Security <security@example.com>" }) {
			assertThat(new MailSettings(from, 100, Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofMinutes(10), false)
				.problem()).as(from).isNull();
		}
	}

	@Test
	void aRealDeliveryWithoutAKeyIsBadUsage() {
		assertThat(run(SETTINGS, true, null)).isEqualTo(DeliveryCommand.USAGE);
		assertThat(err()).contains("--delivery-key-file", "Nothing was sent");
	}

	@Test
	void aRealDeliveryWithoutAFromAddressIsBadUsage() {
		assertThat(run(new MailSettings(" ", 100, Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofMinutes(10), false),
				true, KEY)).isEqualTo(DeliveryCommand.USAGE);
		assertThat(err()).contains("keyshift.mail.from");
	}

	@Test
	void aRealDeliveryWithoutAMailServerIsBadUsage() {
		assertThat(run(SETTINGS, false, KEY)).isEqualTo(DeliveryCommand.USAGE);
		assertThat(err()).contains("spring.mail.host");
	}

	@Test
	void aBlankMailHostIsNoMailServerRatherThanLocalhost() {
		DeliveryCommand command = new DeliveryCommand(null, () -> sender(" "), new NoTransactions(), SETTINGS,
				Clock.systemUTC());

		assertThat(command.run(false, KEY, () -> false, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8)))
			.isEqualTo(DeliveryCommand.USAGE);
		assertThat(err()).startsWith("keyshift: no mail server configured: set spring.mail.host (SPRING_MAIL_HOST)");
	}

	@Test
	void unusableRetrySettingsAreBadUsage() {
		assertThat(run(new MailSettings("keyshift@example.com", 100, Duration.ofHours(2), Duration.ofHours(1),
				Duration.ofMinutes(10), false), true, KEY)).isEqualTo(DeliveryCommand.USAGE);
		assertThat(err()).isEqualTo("keyshift: keyshift.mail.retry-max (1h) must not be shorter than"
				+ " keyshift.mail.retry-first (2h). Nothing was sent." + System.lineSeparator());
	}

	private static JavaMailSenderImpl sender(String host) {
		JavaMailSenderImpl sender = new JavaMailSenderImpl();
		sender.setHost(host);
		return sender;
	}

	@Test
	void aDatabaseFailureExitsOneSayingNothingIsLost() {
		NotificationStore unreachable = new NotificationStore(null) {
			@Override
			public long countPending() {
				throw new DataAccessResourceFailureException("db down",
						new java.sql.SQLException("Connection to db:5432 refused"));
			}
		};
		// four connections (the default): up to four messages may be in flight when the database goes
		DeliveryCommand command = new DeliveryCommand(unreachable, () -> sender("smtp.example.com"),
				new NoTransactions(), SETTINGS, Clock.systemUTC());

		assertThat(command.run(false, KEY, () -> false, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8)))
			.isEqualTo(DeliveryCommand.FAILED);
		assertThat(err()).isEqualTo("keyshift: deliver failed: Connection to db:5432 refused. Every notification not yet"
				+ " marked delivered stays pending (those being sent at that moment, up to one per connection (4), may"
				+ " reach their users twice); run deliver again." + System.lineSeparator());

		err.reset();
		DeliveryCommand oneConnection = new DeliveryCommand(unreachable, () -> sender("smtp.example.com"),
				new NoTransactions(), SETTINGS.sending(1, null), Clock.systemUTC());
		assertThat(oneConnection.run(false, KEY, () -> false, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8)))
			.isEqualTo(DeliveryCommand.FAILED);
		assertThat(err()).isEqualTo("keyshift: deliver failed: Connection to db:5432 refused. Every notification not yet"
				+ " marked delivered stays pending (one being sent at that moment may reach its user twice); run deliver"
				+ " again." + System.lineSeparator());
	}

	private static final class NoTransactions extends AbstractPlatformTransactionManager {

		@Override
		protected Object doGetTransaction() {
			return new Object();
		}

		@Override
		protected void doBegin(Object transaction, org.springframework.transaction.TransactionDefinition definition) {
		}

		@Override
		protected void doCommit(DefaultTransactionStatus status) {
		}

		@Override
		protected void doRollback(DefaultTransactionStatus status) {
		}
	}

	@Test
	void smtpsOrStartTlsCountsAsEncryptedAndPlainSmtpDoesNot() {
		JavaMailSenderImpl plain = new JavaMailSenderImpl();
		assertThat(DeliveryCommand.encrypted(plain, false)).isFalse();
		assertThat(DeliveryCommand.encrypted(plain, true)).isFalse();

		JavaMailSenderImpl smtps = new JavaMailSenderImpl();
		smtps.setProtocol("smtps");
		assertThat(DeliveryCommand.encrypted(smtps, true)).isTrue();

		JavaMailSenderImpl startTls = new JavaMailSenderImpl();
		startTls.getJavaMailProperties().setProperty("mail.smtp.starttls.enable", "true");
		assertThat(DeliveryCommand.encrypted(startTls, false)).isTrue();
		assertThat(startTls.getJavaMailProperties().getProperty("mail.smtp.starttls.required")).isNull();
		// required TLS: STARTTLS may no longer fall back to plain text
		assertThat(DeliveryCommand.encrypted(startTls, true)).isTrue();
		assertThat(startTls.getJavaMailProperties().getProperty("mail.smtp.starttls.required")).isEqualTo("true");
	}
}
