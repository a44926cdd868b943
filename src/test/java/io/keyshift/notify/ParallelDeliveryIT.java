package io.keyshift.notify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.keyshift.notify.NotificationPayload.SkippedEntry;
import io.keyshift.notify.NotificationPayload.TokenEntry;
import io.keyshift.support.ScriptedSmtpServer;
import io.keyshift.token.DeliveryCipher;
import io.keyshift.token.DeliveryKey;
import io.keyshift.token.TokenMinter;
import io.keyshift.token.TokenSecret;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.mail.javamail.JavaMailSenderImpl;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sending engine against a scripted SMTP server that counts connections and messages per
 * recipient: connections reused, parallel senders, throttling, permanent refusals, the report.
 */
class ParallelDeliveryIT {

	private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

	private static final Duration LEASE = Duration.ofMinutes(10);

	@TempDir
	Path dir;

	private final DeliveryCipher cipher = new DeliveryCipher(randomKey(), new SecureRandom());

	private final MutableClock clock = new MutableClock(T0);

	private final List<String> said = new CopyOnWriteArrayList<>();

	private static DeliveryKey randomKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return DeliveryKey.of(key);
	}

	private static String email(int i) {
		return "user" + i + "@example.com";
	}

	/** {@code n} users, no token each (cheap to seal): user 1000+i at user<i>@example.com. */
	private List<UUID> seed(NotifyDatabase db, int n) {
		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < n; i++) {
			ids.add(db.insertSealed(cipher, new NotificationPayload("NO_TOKEN_ISSUED", 1000 + i, email(i), List.of(),
					List.of(new SkippedEntry(7L, "Dev shop", "PLAN_NOT_ELIGIBLE")), List.of()),
					OffsetDateTime.ofInstant(T0.minusSeconds(60), ZoneOffset.UTC)));
		}
		return ids;
	}

	private static SmtpMailer mailer(int port) {
		JavaMailSenderImpl sender = new JavaMailSenderImpl();
		sender.setHost("127.0.0.1");
		sender.setPort(port);
		DeliveryCommand.withTimeouts(sender, Duration.ofSeconds(5));
		return new SmtpMailer(sender);
	}

	private Deliverer deliverer(NotifyDatabase db, ScriptedSmtpServer server, int connections, Double maxRate,
			DeliveryReport report) {
		return new Deliverer(db.store(), new MessageRenderer(), cipher, mailer(server.port()), "keyshift@example.com",
				clock, db.transactions(), Backoff.DEFAULT, LEASE, 10, new Deliverer.Sending(connections, maxRate,
						Duration.ofMillis(50), 5, Duration.ofSeconds(10), said::add, report));
	}

	private static Map<String, Integer> eachOnce(int n) {
		Map<String, Integer> out = new HashMap<>();
		for (int i = 0; i < n; i++) {
			out.put(email(i), 1);
		}
		return out;
	}

	private static long count(NotifyDatabase db, String status) {
		return db.jdbc().queryForObject("select count(*) from token_notification where status = ?", Long.class, status);
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void eachSenderKeepsOneConnectionForManyMessages(NotifyDatabase.Kind kind) throws Exception {
		try (NotifyDatabase db = NotifyDatabase.createPooled(kind, dir, 6);
				ScriptedSmtpServer server = ScriptedSmtpServer.start()) {
			seed(db, 60);

			Deliverer.Result result = deliverer(db, server, 2, null, null).deliver();

			assertThat(result).isEqualTo(new Deliverer.Result(60, 0, 0, null, false, null, 0));
			assertThat(server.perRecipient()).isEqualTo(eachOnce(60));
			// two senders, one connection each: not one per message
			assertThat(server.connections()).isBetween(1, 2);
			assertThat(count(db, "DELIVERED")).isEqualTo(60);
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void aSenderConnectsAgainWhenTheServerClosedItsConnectionAndLosesNoMessage(NotifyDatabase.Kind kind)
			throws Exception {
		try (NotifyDatabase db = NotifyDatabase.createPooled(kind, dir, 4);
				ScriptedSmtpServer server = ScriptedSmtpServer.start().closeAfter(5)) {
			seed(db, 23);

			Deliverer.Result result = deliverer(db, server, 1, null, null).deliver();

			assertThat(result).isEqualTo(new Deliverer.Result(23, 0, 0, null, false, null, 0));
			assertThat(server.perRecipient()).isEqualTo(eachOnce(23));
			// 5 + 5 + 5 + 5 + 3
			assertThat(server.connections()).isEqualTo(5);
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void twoDeliverersOfFourSendersEachNeverSendOneNotificationTwice(NotifyDatabase.Kind kind) throws Exception {
		try (NotifyDatabase db = NotifyDatabase.createPooled(kind, dir, 12);
				ScriptedSmtpServer server = ScriptedSmtpServer.start()) {
			seed(db, 300);
			ExecutorService two = Executors.newFixedThreadPool(2);
			Future<Deliverer.Result> first = two.submit(() -> deliverer(db, server, 4, null, null).deliver());
			Future<Deliverer.Result> second = two.submit(() -> deliverer(db, server, 4, null, null).deliver());

			int sent = first.get().sent() + second.get().sent();
			two.shutdown();

			assertThat(sent).isEqualTo(300);
			assertThat(server.perRecipient()).isEqualTo(eachOnce(300));
			assertThat(server.mostConnectionsAtOnce()).isLessThanOrEqualTo(8);
			assertThat(count(db, "DELIVERED")).isEqualTo(300);
			assertThat(db.jdbc().queryForObject("select count(*) from token_notification where payload is not null",
					Long.class)).isZero();
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void throttlingRepliesHalveTheRateAndEveryMessageIsDeliveredInTheEnd(NotifyDatabase.Kind kind) throws Exception {
		try (NotifyDatabase db = NotifyDatabase.createPooled(kind, dir, 6);
				ScriptedSmtpServer server = ScriptedSmtpServer.start()
					.rcptReply((to, tries) -> to.equals(email(3)) && tries < 2
							? "454 4.7.0 Throttling failure: Maximum sending rate exceeded"
							: to.equals(email(7)) && tries == 0 ? "451 4.7.1 Please try again later"
									: to.equals(email(9)) && tries == 0 ? "421 4.7.0 Too many messages, slow down"
											: "250 2.1.5 OK")) {
			seed(db, 30);
			long start = System.nanoTime();

			Deliverer.Result result = deliverer(db, server, 2, 40.0, null).deliver();

			assertThat(result.sent()).isEqualTo(30);
			assertThat(result.failed()).isZero();
			assertThat(result.remaining()).isZero();
			assertThat(server.perRecipient()).isEqualTo(eachOnce(30));
			// 40 messages/s halved: one line says so, naming the reply
			assertThat(said).anySatisfy(line -> assertThat(line).startsWith("keyshift: deliver: the mail server is"
					+ " throttling (").contains("slowing down to 20.0 messages/s"));
			assertThat(said).filteredOn(line -> line.contains("throttling")).allSatisfy(
					line -> assertThat(line).doesNotContain("\n"));
			// 30 messages at no more than 40/s, then 20/s: well over 0.75 s
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(750));
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void aPermanentRefusalMakesTheNotificationUndeliverableUntilTheOperatorRetriesIt(NotifyDatabase.Kind kind)
			throws Exception {
		try (NotifyDatabase db = NotifyDatabase.createPooled(kind, dir, 6);
				ScriptedSmtpServer server = ScriptedSmtpServer.start()
					.rcptReply((to, tries) -> to.equals(email(4)) && tries == 0
							? "550 5.1.1 <" + to + ">: Recipient address rejected: User unknown" : "250 2.1.5 OK")) {
			List<UUID> ids = seed(db, 10);
			String payload = (String) db.row(ids.get(4)).get("PAYLOAD");

			Deliverer.Result result = deliverer(db, server, 2, null, null).deliver();

			assertThat(result.sent()).isEqualTo(9);
			assertThat(result.undeliverable()).isEqualTo(1);
			assertThat(result.failed()).isZero();
			assertThat(result.remaining()).isZero();
			Map<String, Object> row = db.row(ids.get(4));
			assertThat(row.get("STATUS")).isEqualTo("UNDELIVERABLE");
			assertThat(row.get("ATTEMPTS")).isEqualTo(1);
			assertThat(row.get("PAYLOAD")).isEqualTo(payload);
			assertThat((String) row.get("LAST_ERROR")).contains("550 5.1.1 <" + email(4)
					+ ">: Recipient address rejected: User unknown");

			// not tried again by itself, however much later
			clock.advance(Duration.ofDays(2));
			assertThat(deliverer(db, server, 2, null, null).deliver()).isEqualTo(
					new Deliverer.Result(0, 0, 0, null, false, null, 0));
			assertThat(server.perRecipient()).doesNotContainKey(email(4));

			assertThat(db.store().retryUndeliverable(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC)))
				.isEqualTo(1);
			assertThat(deliverer(db, server, 2, null, null).deliver().sent()).isEqualTo(1);
			assertThat(server.perRecipient()).isEqualTo(eachOnce(10));
			assertThat(db.row(ids.get(4)).get("STATUS")).isEqualTo("DELIVERED");
			assertThat(db.row(ids.get(4)).get("PAYLOAD")).isNull();
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void theReportHasOneRowPerAttemptedNotificationAndNoToken(NotifyDatabase.Kind kind) throws Exception {
		try (NotifyDatabase db = NotifyDatabase.createPooled(kind, dir, 6);
				ScriptedSmtpServer server = ScriptedSmtpServer.start()
					.rcptReply((to, tries) -> to.equals(email(1)) ? "553 5.1.3 <" + to + ">: bad address"
							: "250 2.1.5 OK")) {
			List<UUID> ids = seed(db, 3);
			TokenSecret secret = new TokenMinter().mint();
			db.insertToken(2000, 1201, secret.digest(), secret.hint());
			UUID withToken = db.insertSealed(cipher, new NotificationPayload("TOKENS_ISSUED", 2000,
					"=cmd|' /C calc'!A0@example.com", List.of(new TokenEntry(1201, "Acme", "Migrated", secret.hint(),
							"developer@all", secret.reveal())), List.of(), List.of()),
					OffsetDateTime.ofInstant(T0, ZoneOffset.UTC));
			db.jdbc().update("update token_notification set email = 'tok@example.com' where id = ?", withToken);
			Path report;
			try (DeliveryReport r = DeliveryReport.create(dir.resolve("reports"), LocalDateTime.of(2026, 12, 1, 9, 0))) {
				deliverer(db, server, 2, null, r).deliver();
				report = r.file();
			}

			assertThat(report).isEqualTo(dir.resolve("reports/deliver-20261201-090000/delivery-report.csv"));
			List<String> lines = Files.readAllLines(report);
			assertThat(lines.get(0)).isEqualTo("notification_id,user_id,email,kind,status,attempts,last_error");
			assertThat(lines.subList(1, lines.size())).containsExactlyInAnyOrder(
					ids.get(0) + ",1000," + email(0) + ",NO_TOKEN_ISSUED,DELIVERED,1,",
					ids.get(1) + ",1001," + email(1) + ",NO_TOKEN_ISSUED,UNDELIVERABLE,1,the mail server refused it"
							+ " for good: RCPT TO refused: 553 5.1.3 <" + email(1) + ">: bad address",
					ids.get(2) + ",1002," + email(2) + ",NO_TOKEN_ISSUED,DELIVERED,1,",
					withToken + ",2000,tok@example.com,TOKENS_ISSUED,DELIVERED,1,");
			String all = Files.readString(report);
			assertThat(all).doesNotContain(secret.reveal()).doesNotContain("dbtu_");
			// a second delivery writes a report of its own
			try (DeliveryReport again = DeliveryReport.create(dir.resolve("reports"),
					LocalDateTime.of(2026, 12, 1, 9, 0))) {
				assertThat(again.file()).isEqualTo(dir.resolve("reports/deliver-20261201-090000-2/delivery-report.csv"));
			}
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void theCommandCountsUndeliverableNotificationsInItsSummaryAndExitCodeAndRetriesThemWhenAsked(
			NotifyDatabase.Kind kind) throws Exception {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		DeliveryKey key = DeliveryKey.of(bytes);
		DeliveryCipher sealing = new DeliveryCipher(key, new SecureRandom());
		boolean[] fixed = { false };
		try (NotifyDatabase db = NotifyDatabase.createPooled(kind, dir, 8);
				ScriptedSmtpServer server = ScriptedSmtpServer.start()
					.rcptReply((to, tries) -> to.equals("typo@example.con") && !fixed[0]
							? "550 5.1.2 <typo@example.con>: Recipient address rejected: Domain not found"
							: "250 2.1.5 OK")) {
			for (int i = 0; i < 5; i++) {
				db.insertSealed(sealing, new NotificationPayload("NO_TOKEN_ISSUED", 1000 + i,
						i == 2 ? "typo@example.con" : email(i), List.of(),
						List.of(new SkippedEntry(7L, "Dev shop", "PLAN_NOT_ELIGIBLE")), List.of()),
						OffsetDateTime.ofInstant(T0, ZoneOffset.UTC));
			}
			JavaMailSenderImpl sender = new JavaMailSenderImpl();
			sender.setHost("127.0.0.1");
			sender.setPort(server.port());
			MailSettings settings = new MailSettings("keyshift@example.com", 2, Duration.ofMinutes(1),
					Duration.ofHours(1), LEASE, false, 3, null, Duration.ofSeconds(5), Duration.ofMillis(50),
					Duration.ofSeconds(10), dir.resolve("reports").toString());
			DeliveryCommand command = new DeliveryCommand(db.store(), () -> sender,
					new org.springframework.jdbc.datasource.DataSourceTransactionManager(db.jdbc().getDataSource()),
					settings, clock);
			java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
			java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
			java.io.PrintStream o = new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8);
			java.io.PrintStream e = new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8);
			String nl = System.lineSeparator();

			assertThat(command.run(false, false, false, key, () -> false, o, e)).isEqualTo(DeliveryCommand.FAILED);
			assertThat(out.toString()).isEqualTo("keyshift: deliver: 4 sent, 0 failed, 0 still pending, 1 undeliverable"
					+ nl);
			assertThat(err.toString()).endsWith("keyshift: 1 notification is undeliverable: the mail server refused it for"
					+ " good (last: the mail server refused it for good: RCPT TO refused: 550 5.1.2 <typo@example.con>:"
					+ " Recipient address rejected: Domain not found); each reply is in token_notification.last_error"
					+ " and in the delivery report. Fix the addresses (token_notification.email) and run deliver"
					+ " --retry-undeliverable." + nl);

			// without --retry-undeliverable, a later deliver sends nothing and still says so
			out.reset();
			err.reset();
			clock.advance(Duration.ofDays(1));
			assertThat(command.run(false, false, false, key, () -> false, o, e)).isEqualTo(DeliveryCommand.FAILED);
			assertThat(out.toString()).isEqualTo("keyshift: deliver: nothing pending (4 delivered earlier); nothing to do"
					+ nl);
			assertThat(err.toString()).contains("1 notification is undeliverable");
			assertThat(server.received()).hasSize(4);

			// the operator fixes the address, then retries
			db.jdbc().update("update token_notification set email = 'typo@example.com' where email = 'typo@example.con'");
			fixed[0] = true;
			out.reset();
			err.reset();
			assertThat(command.run(false, false, true, key, () -> false, o, e)).isEqualTo(DeliveryCommand.OK);
			assertThat(out.toString()).isEqualTo("keyshift: deliver --retry-undeliverable: 1 undeliverable notification"
					+ " is pending again" + nl + "keyshift: deliver: 1 sent, 0 failed, 0 still pending" + nl);
			assertThat(server.perRecipient()).containsEntry("typo@example.com", 1).hasSize(5);
			assertThat(count(db, "DELIVERED")).isEqualTo(5);
		}
	}
}
