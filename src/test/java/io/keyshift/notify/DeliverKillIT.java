package io.keyshift.notify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import io.keyshift.job.MigrateProcessor;
import io.keyshift.notify.NotificationPayload.SkippedEntry;
import io.keyshift.support.ChildRun;
import io.keyshift.support.ScriptedSmtpServer;
import io.keyshift.support.TestDatabase;
import io.keyshift.token.DeliveryCipher;
import io.keyshift.token.DeliveryKey;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The duplicate bound of the README, for real: {@code keyshift deliver} in a child JVM with four
 * connections is killed (SIGKILL) in the middle of its run; a second deliver after the lease sends
 * the rest. Every user gets their message; at most one per connection (four) gets it twice.
 */
class DeliverKillIT {

	private static final int USERS = 240;

	private static final int CONNECTIONS = 4;

	@TempDir
	Path dir;

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void afterAKillAtMostOneMessagePerConnectionReachesItsUserTwiceAndNoneIsLost(TestDatabase.Kind kind)
			throws Exception {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		DeliveryCipher cipher = new DeliveryCipher(DeliveryKey.of(bytes), new SecureRandom());
		Path keyFile = dir.resolve("delivery.key");
		Files.writeString(keyFile, Base64.getEncoder().encodeToString(bytes) + "\n");
		Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
		try (TestDatabase db = TestDatabase.create(kind, dir);
				ScriptedSmtpServer server = ScriptedSmtpServer.start().acceptDelay(15)) {
			try (HikariDataSource pool = db.migratedPool(2)) {
				seed(new JdbcTemplate(pool), cipher);
			}
			// token mode: the messages carry the tokens and each notification ends DELIVERED with its payload
			// erased when the server accepts it (link mode ends SENT, the claim page erases; ClaimPagesIT)
			List<String> args = new ArrayList<>(List.of("deliver", "--mode", "token", "--delivery-key-file",
					keyFile.toString()));
			args.addAll(db.springArgs());
			args.addAll(List.of("--spring.mail.host=127.0.0.1", "--spring.mail.port=" + server.port(),
					"--keyshift.mail.from=keyshift@example.com", "--keyshift.mail.connections=" + CONNECTIONS,
					"--keyshift.mail.lease=3s", "--keyshift.mail.timeout=2s",
					"--keyshift.mail.report-dir=" + dir.resolve("reports")));

			ChildRun first = ChildRun.start(dir, args);
			long until = System.nanoTime() + Duration.ofMinutes(5).toNanos();
			while (server.received().size() < USERS / 4 && System.nanoTime() < until) {
				Thread.sleep(5);
			}
			first.kill();
			int beforeKill = server.received().size();
			assertThat(beforeKill).as("killed mid-run:\n" + first.output()).isBetween(USERS / 4, USERS - 1);

			// after the lease, a second deliver sends the rest, and those the kill left unmarked
			Thread.sleep(3500);
			ChildRun second = ChildRun.start(dir, args);
			// a busy machine sends a few messages a second; an idle one, hundreds
			assertThat(second.exitCode(Duration.ofMinutes(10))).as(second.output()).isZero();

			Map<String, Integer> perRecipient = server.perRecipient();
			assertThat(perRecipient).hasSize(USERS);
			assertThat(perRecipient.values()).allSatisfy(n -> assertThat(n).isBetween(1, 2));
			long twice = perRecipient.values().stream().filter(n -> n == 2).count();
			assertThat(twice).as("users who got their message twice").isLessThanOrEqualTo(CONNECTIONS);
			assertThat(server.received()).hasSize(USERS + (int) twice);
			try (HikariDataSource pool = db.migratedPool(2)) {
				JdbcTemplate jdbc = new JdbcTemplate(pool);
				assertThat(jdbc.queryForObject("select count(*) from token_notification where status = 'DELIVERED'"
						+ " and payload is null", Integer.class)).isEqualTo(USERS);
			}
			assertThat(first.output() + second.output()).doesNotContain("dbtu_");
		}
	}

	private static void seed(JdbcTemplate jdbc, DeliveryCipher cipher) {
		OffsetDateTime created = OffsetDateTime.now(ZoneOffset.UTC).minusHours(1);
		List<Object[]> rows = new ArrayList<>();
		for (int i = 0; i < USERS; i++) {
			UUID id = UUID.randomUUID();
			long userId = 5000 + i;
			NotificationPayload payload = new NotificationPayload("NO_TOKEN_ISSUED", userId, "u" + i + "@example.com",
					List.of(), List.of(new SkippedEntry(7L, "Dev shop", "PLAN_NOT_ELIGIBLE")), List.of());
			String sealed = Base64.getEncoder()
				.encodeToString(cipher.encrypt(payload.toJson(), MigrateProcessor.associatedData(id, userId)));
			rows.add(new Object[] { id, userId, payload.email(), payload.kind(), sealed, created, cipher.keyId() });
		}
		jdbc.batchUpdate("""
				insert into token_notification (id, user_id, email, kind, status, payload, created_at, run_id,
				    delivery_key_id)
				values (?, ?, ?, ?, 'PENDING', ?, ?, 1, ?)
				""", rows);
	}
}
