package io.keyshift.notify;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;

import static org.assertj.core.api.Assertions.assertThat;

class DeliveryCommandTests {

	@TempDir
	Path dir;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private static final MailSettings SETTINGS = new MailSettings("keyshift@example.com", 100, Duration.ofMinutes(1),
			Duration.ofHours(1), Duration.ofMinutes(10));

	private int run(MailSettings settings, boolean withMailServer, Path keyFile) {
		// no store: each of these stops before the database is touched
		DeliveryCommand command = new DeliveryCommand(null, () -> withMailServer ? new JavaMailSenderImpl() : null,
				new NoTransactions(), settings, Clock.systemUTC());
		return command.run(false, keyFile, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private String err() {
		return err.toString(StandardCharsets.UTF_8);
	}

	@Test
	void aRealDeliveryWithoutAKeyFileIsBadUsage() {
		assertThat(run(SETTINGS, true, null)).isEqualTo(DeliveryCommand.USAGE);
		assertThat(err()).contains("--delivery-key-file", "Nothing was sent");
	}

	@Test
	void aRealDeliveryWithoutAFromAddressIsBadUsage() {
		assertThat(run(new MailSettings(" ", 100, Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofMinutes(10)),
				true, dir.resolve("delivery.key"))).isEqualTo(DeliveryCommand.USAGE);
		assertThat(err()).contains("keyshift.mail.from");
	}

	@Test
	void aRealDeliveryWithoutAMailServerIsBadUsage() {
		assertThat(run(SETTINGS, false, dir.resolve("delivery.key"))).isEqualTo(DeliveryCommand.USAGE);
		assertThat(err()).contains("spring.mail.host");
	}

	@Test
	void anUnusableKeyFileIsBadUsageAndItsContentIsNotPrinted() throws Exception {
		Path key = Files.writeString(dir.resolve("delivery.key"), "not-base64-secretish!!");

		assertThat(run(SETTINGS, true, key)).isEqualTo(DeliveryCommand.USAGE);
		assertThat(err()).contains("delivery.key", "not base64").doesNotContain("secretish");
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
}
