package io.keyshift.notify;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.keyshift.claim.ClaimOptions;
import io.keyshift.claim.ClaimSettings;
import io.keyshift.claim.ClaimStore;
import io.keyshift.claim.LinkDelivery;
import io.keyshift.notify.NotificationPayload.SkippedEntry;
import io.keyshift.notify.NotificationPayload.TokenEntry;
import io.keyshift.token.DeliveryCipher;
import io.keyshift.token.DeliveryKey;
import io.keyshift.token.TokenMinter;
import io.keyshift.token.TokenSecret;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code keyshift deliver} as the command line runs it, on a database and a real SMTP server: what
 * it checks before sending, what it prints, and its exit codes.
 */
class DeliveryCommandIT {

	@RegisterExtension
	static final GreenMailExtension greenMail = new GreenMailExtension(
			new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
		.withPerMethodLifecycle(true);

	private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

	private static final MailSettings SETTINGS = new MailSettings("keyshift@example.com", 2, Duration.ofMinutes(1),
			Duration.ofHours(1), Duration.ofMinutes(10), false);

	@TempDir
	Path dir;

	private final DeliveryKey key = randomKey();

	private final MutableClock clock = new MutableClock(T0);

	private final TokenMinter minter = new TokenMinter();

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private static DeliveryKey randomKey() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		return DeliveryKey.of(bytes);
	}

	private int deliver(NotifyDatabase db, DeliveryKey key, BooleanSupplier stop) {
		return deliver(db, key, stop, SETTINGS);
	}

	private int deliver(NotifyDatabase db, DeliveryKey key, BooleanSupplier stop, MailSettings settings) {
		JavaMailSenderImpl sender = new JavaMailSenderImpl();
		sender.setHost("127.0.0.1");
		sender.setPort(greenMail.getSmtp().getPort());
		DeliveryCommand command = new DeliveryCommand(db.store(), () -> sender,
				new DataSourceTransactionManager(db.jdbc().getDataSource()), settings, clock);
		return command.run(false, key, stop, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private int deliver(NotifyDatabase db, DeliveryKey key) {
		return deliver(db, key, () -> false);
	}

	private static final String BASE_URL = "https://keys.example.com";

	/** {@code deliver} in link mode, links to {@code baseUrl} (null: not set), as the command line wires it. */
	private DeliveryCommand linkMode(NotifyDatabase db, String baseUrl, ClaimOptions options) {
		JavaMailSenderImpl sender = new JavaMailSenderImpl();
		sender.setHost("127.0.0.1");
		sender.setPort(greenMail.getSmtp().getPort());
		ClaimSettings links = new ClaimSettings(baseUrl, Duration.ofDays(14), 5, "security@example.com", 10);
		return new DeliveryCommand(db.store(), () -> sender, new DataSourceTransactionManager(db.jdbc().getDataSource()),
				SETTINGS, clock)
			.withClaimLinks(new LinkDelivery(links, new ClaimStore(db.jdbc(), db.transactions()), options, clock));
	}

	private int deliverLinks(NotifyDatabase db, DeliveryKey key, ClaimOptions options) {
		return linkMode(db, BASE_URL, options).run(false, key, () -> false,
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private static ClaimOptions reissue(long... users) {
		return new ClaimOptions(false, java.util.Arrays.stream(users).boxed().toList(), false, false);
	}

	/** Every notification and claim row, to compare before and after. */
	private static List<Map<String, Object>> linkTables(NotifyDatabase db) {
		List<Map<String, Object>> rows = new java.util.ArrayList<>(
				db.jdbc().queryForList("select * from token_notification order by id"));
		rows.addAll(db.jdbc().queryForList("select * from token_claim order by id"));
		return rows;
	}

	private static String claimStates(NotifyDatabase db, UUID notification) {
		return String.join(",", db.jdbc().queryForList("select state from token_claim where notification_id = ?"
				+ " order by created_at, state", String.class, notification));
	}

	private int preview(NotifyDatabase db) {
		DeliveryCommand command = new DeliveryCommand(db.store(), () -> null,
				new DataSourceTransactionManager(db.jdbc().getDataSource()), SETTINGS, clock);
		return command.run(true, null, () -> false, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private UUID seedTokens(NotifyDatabase db, DeliveryKey sealedWith, long userId, long runId) {
		return seedTokens(db, sealedWith, userId, runId, false);
	}

	/** With {@code keyId}, the row names its key, as migrate seals since key ids are recorded. */
	private UUID seedTokens(NotifyDatabase db, DeliveryKey sealedWith, long userId, long runId, boolean keyId) {
		return seedTokens(db, sealedWith, userId, runId, keyId, 1201);
	}

	/** A user's token in account {@code accountId} (one active token per user and account). */
	private UUID seedTokens(NotifyDatabase db, DeliveryKey sealedWith, long userId, long runId, boolean keyId,
			long accountId) {
		TokenSecret secret = minter.mint();
		db.insertToken(userId, accountId, secret.digest(), secret.hint());
		NotificationPayload payload = new NotificationPayload("TOKENS_ISSUED", userId, "user" + userId + "@example.com",
				List.of(new TokenEntry(accountId, "Acme", "Migrated from legacy API key " + userId, secret.hint(),
						"developer@all", secret.reveal())),
				List.of(), List.of());
		DeliveryCipher cipher = new DeliveryCipher(sealedWith, new SecureRandom());
		return keyId ? db.insertSealedWithKeyId(cipher, payload, created(), runId)
				: db.insertSealed(cipher, payload, created(), runId);
	}

	private UUID seedNoToken(NotifyDatabase db, DeliveryKey sealedWith, long userId, long runId) {
		NotificationPayload payload = new NotificationPayload("NO_TOKEN_ISSUED", userId,
				"user" + userId + "@example.com", List.of(),
				List.of(new SkippedEntry(7L, "Dev shop", "PLAN_NOT_ELIGIBLE")), List.of());
		return db.insertSealed(new DeliveryCipher(sealedWith, new SecureRandom()), payload, created(), runId);
	}

	private static OffsetDateTime created() {
		return OffsetDateTime.ofInstant(T0.minusSeconds(3600), ZoneOffset.UTC);
	}

	private String out() {
		return out.toString(StandardCharsets.UTF_8);
	}

	private String err() {
		return err.toString(StandardCharsets.UTF_8);
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void aKeyThatOpensNoPendingNotificationIsRefusedBeforeAnythingIsSentOrChanged(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			seedTokens(db, key, 1, 1);
			seedNoToken(db, key, 2, 1);
			List<Map<String, Object>> before = db.jdbc().queryForList("select * from token_notification order by id");
			DeliveryKey other = randomKey();

			// rows of the previous release record no key id: a few are tried
			assertThat(deliver(db, other)).isEqualTo(DeliveryCommand.USAGE);

			assertThat(err()).isEqualTo("keyshift: the delivery key (id " + other.id() + ") opens none of the pending"
					+ " notifications: run 1 (2 pending, sealed before key ids were recorded, under another key). Give"
					+ " deliver the key migrate sealed them with. Nothing was sent or changed." + System.lineSeparator());
			assertThat(greenMail.getReceivedMessages()).isEmpty();
			assertThat(db.jdbc().queryForList("select * from token_notification order by id")).isEqualTo(before);
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void theNotificationsOfARunSealedUnderAnotherKeyAreLeftAloneUntriedAndNamed(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			seedTokens(db, key, 1, 1);
			seedNoToken(db, key, 2, 1);
			UUID other = seedTokens(db, randomKey(), 3, 2);
			Object sealed = db.row(other).get("PAYLOAD");

			assertThat(deliver(db, key)).isEqualTo(DeliveryCommand.FAILED);

			assertThat(greenMail.getReceivedMessages()).hasSize(2);
			assertThat(err()).contains("the delivery key (id " + key.id() + ") does not open the notifications of run 2"
					+ " (1 pending, sealed before key ids were recorded, under another key): they are left alone;"
					+ " deliver them with the key that run was given.")
				.contains("1 notification is still pending. Nothing was lost; run deliver again.");
			assertThat(out()).contains("keyshift: deliver: 2 sent, 0 failed, 1 still pending");
			Map<String, Object> row = db.row(other);
			assertThat(row.get("STATUS")).isEqualTo("PENDING");
			assertThat(row.get("ATTEMPTS")).isEqualTo(0);
			assertThat(row.get("NEXT_ATTEMPT_AT")).isNull();
			assertThat(row.get("PAYLOAD")).as("the other run's payload, untouched").isNotNull().isEqualTo(sealed);
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void retryUndeliverableTriesTheKeyBeforeMakingAnyPendingAgain(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			UUID mine = seedTokens(db, key, 1, 1, true);
			UUID theirs = seedTokens(db, randomKey(), 2, 2, true);
			String refusal = "the mail server refused it for good: 550 no such user";
			db.jdbc().update("update token_notification set status = 'UNDELIVERABLE', attempts = 3, last_error = ?",
					refusal);
			List<Map<String, Object>> before = db.jdbc().queryForList("select * from token_notification order by id");
			DeliveryKey other = randomKey();

			// a key that opens neither: refused, nothing changed (the 550s stay on record)
			assertThat(retryUndeliverable(db, other)).isEqualTo(DeliveryCommand.USAGE);
			assertThat(err()).contains("keyshift: the delivery key (id " + other.id() + ") opens none of the pending"
					+ " or undeliverable notifications: run 1 (1 pending or undeliverable, sealed with key id ")
				.contains("Nothing was sent or changed.");
			assertThat(db.jdbc().queryForList("select * from token_notification order by id")).isEqualTo(before);
			assertThat(greenMail.getReceivedMessages()).isEmpty();

			// the key of run 1: its notification is retried and delivered; run 2's stays undeliverable, untouched
			err.reset();
			assertThat(retryUndeliverable(db, key)).as(err()).isEqualTo(DeliveryCommand.FAILED);
			assertThat(out()).contains("keyshift: deliver --retry-undeliverable: 1 undeliverable notification is pending"
					+ " again");
			assertThat(greenMail.getReceivedMessages()).hasSize(1);
			assertThat(db.row(mine).get("STATUS")).isEqualTo("DELIVERED");
			Map<String, Object> left = db.row(theirs);
			assertThat(left.get("STATUS")).isEqualTo("UNDELIVERABLE");
			assertThat(left.get("ATTEMPTS")).isEqualTo(3);
			assertThat(left.get("LAST_ERROR")).isEqualTo(refusal);
		}
	}

	private int retryUndeliverable(NotifyDatabase db, DeliveryKey key) {
		JavaMailSenderImpl sender = new JavaMailSenderImpl();
		sender.setHost("127.0.0.1");
		sender.setPort(greenMail.getSmtp().getPort());
		DeliveryCommand command = new DeliveryCommand(db.store(), () -> sender,
				new DataSourceTransactionManager(db.jdbc().getDataSource()), SETTINGS, clock);
		return command.run(false, false, true, key, () -> false, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void sayingWhenNothingIsPendingAndWhenNothingWasEverQueued(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			assertThat(deliver(db, key)).isEqualTo(DeliveryCommand.OK);
			assertThat(out()).isEqualTo("keyshift: deliver: no notifications in this database; nothing to do (a real"
					+ " migrate run queues them)" + System.lineSeparator());

			seedTokens(db, key, 1, 1);
			out.reset();
			assertThat(deliver(db, key)).isEqualTo(DeliveryCommand.OK);
			assertThat(out()).isEqualTo("keyshift: deliver: 1 sent, 0 failed, 0 still pending" + System.lineSeparator());

			out.reset();
			assertThat(deliver(db, key)).isEqualTo(DeliveryCommand.OK);
			assertThat(out()).isEqualTo("keyshift: deliver: nothing pending (1 delivered earlier); nothing to do"
					+ System.lineSeparator());
			assertThat(greenMail.getReceivedMessages()).hasSize(1);
			// plain SMTP: one warning, for the one delivery that sent something
			assertThat(err()).isEqualTo(DeliveryCommand.PLAIN_TEXT_WARNING + System.lineSeparator());
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void aStopRequestFinishesTheCurrentMessageAndLeavesTheRestPendingUntried(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			for (long user = 1; user <= 3; user++) {
				seedNoToken(db, key, user, 1);
			}
			AtomicInteger asked = new AtomicInteger();

			assertThat(deliver(db, key, () -> asked.incrementAndGet() > 1)).isEqualTo(DeliveryCommand.FAILED);

			assertThat(greenMail.getReceivedMessages()).hasSize(1);
			assertThat(err()).contains("keyshift: deliver stopped on request; 2 notifications are still pending."
					+ " Nothing was lost; run deliver again.");
			assertThat(db.jdbc().queryForObject(
					"select count(*) from token_notification where status = 'PENDING' and attempts = 0"
							+ " and next_attempt_at is null",
					Integer.class)).isEqualTo(2);
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void aDryRunShowsOneWholeMessagePerKindAndWhoWouldGetOne(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			seedTokens(db, key, 1, 1);
			seedTokens(db, key, 2, 1);
			seedNoToken(db, key, 3, 1);
			List<Map<String, Object>> before = db.jdbc().queryForList("select * from token_notification order by id");

			assertThat(preview(db)).isEqualTo(DeliveryCommand.OK);

			String out = out();
			assertThat(out.split("--- TOKENS_ISSUED message", -1)).hasSize(2);
			assertThat(out.split("--- NO_TOKEN_ISSUED message", -1)).hasSize(2);
			assertThat(out).contains("Subject: " + MessageRenderer.TOKENS_SUBJECT, "What to do now",
					"would send TOKENS_ISSUED to user1@example.com", "would send TOKENS_ISSUED to user2@example.com",
					"would send NO_TOKEN_ISSUED to user3@example.com")
				.contains("keyshift: deliver (dry run): 3 notifications would be sent now; no mail server configured"
						+ " yet (spring.mail.host), From keyshift@example.com. Nothing was decrypted, sent or changed.")
				.doesNotContain("dbtu_");
			assertThat(greenMail.getReceivedMessages()).isEmpty();
			assertThat(db.jdbc().queryForList("select * from token_notification order by id")).isEqualTo(before);
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void twoRunsUnderTwoKeysAreToldApartByTheirKeyIdsAndEachKeyDeliversItsOwn(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			DeliveryKey other = randomKey();
			seedTokens(db, key, 1, 1, true);
			seedTokens(db, key, 2, 1, true);
			UUID second = seedTokens(db, other, 3, 2, true);

			assertThat(deliver(db, key)).isEqualTo(DeliveryCommand.FAILED);

			assertThat(greenMail.getReceivedMessages()).hasSize(2);
			assertThat(err()).contains("keyshift: the delivery key (id " + key.id() + ") does not open the"
					+ " notifications of run 2 (1 pending, sealed with key id " + other.id() + "): they are left alone;"
					+ " deliver them with the key that run was given.");
			Map<String, Object> row = db.row(second);
			assertThat(row.get("STATUS")).isEqualTo("PENDING");
			assertThat(row.get("ATTEMPTS")).isEqualTo(0);
			assertThat(row.get("NEXT_ATTEMPT_AT")).isNull();

			err.reset();
			assertThat(deliver(db, other)).isEqualTo(DeliveryCommand.OK);
			assertThat(greenMail.getReceivedMessages()).hasSize(3);
			assertThat(db.row(second).get("STATUS")).isEqualTo("DELIVERED");
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void aKeyWhoseIdNoRunRecordedIsRefusedNamingEachRunAndItsKeyId(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			DeliveryKey other = randomKey();
			seedTokens(db, key, 1, 1, true);
			seedTokens(db, other, 2, 2, true);
			seedTokens(db, other, 3, 2, true);
			List<Map<String, Object>> before = db.jdbc().queryForList("select * from token_notification order by id");
			DeliveryKey third = randomKey();

			assertThat(deliver(db, third)).isEqualTo(DeliveryCommand.USAGE);

			assertThat(err()).isEqualTo("keyshift: the delivery key (id " + third.id() + ") opens none of the pending"
					+ " notifications: run 1 (1 pending, sealed with key id " + key.id() + "), run 2 (2 pending, sealed"
					+ " with key id " + other.id() + "). Give deliver the key migrate sealed them with. Nothing was"
					+ " sent or changed." + System.lineSeparator());
			assertThat(greenMail.getReceivedMessages()).isEmpty();
			assertThat(db.jdbc().queryForList("select * from token_notification order by id")).isEqualTo(before);
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void requiringTlsRefusesAPlainMailServerBeforeAnythingIsSent(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			seedTokens(db, key, 1, 1, true);
			List<Map<String, Object>> before = db.jdbc().queryForList("select * from token_notification order by id");
			MailSettings requireTls = new MailSettings("keyshift@example.com", 2, Duration.ofMinutes(1),
					Duration.ofHours(1), Duration.ofMinutes(10), true);

			assertThat(deliver(db, key, () -> false, requireTls)).isEqualTo(DeliveryCommand.USAGE);

			assertThat(err()).isEqualTo("keyshift: keyshift.mail.require-tls is true, but the connection to the mail"
					+ " server is not encrypted: set spring.mail.properties.mail.smtp.starttls.enable=true (STARTTLS,"
					+ " then required) or spring.mail.protocol=smtps. Nothing was sent." + System.lineSeparator());
			assertThat(greenMail.getReceivedMessages()).isEmpty();
			assertThat(db.jdbc().queryForList("select * from token_notification order by id")).isEqualTo(before);
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void reissueTriesTheKeyFirstThenReissuesEveryUnclaimedLinkOfTheUserButNoLiveLease(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.createPooled(kind, dir, 8)) {
			// one user, a notification from each of four runs
			UUID locked = seedTokens(db, key, 1, 1, false, 1201);
			UUID refused = seedTokens(db, key, 1, 2, false, 1202);
			UUID leased = seedTokens(db, key, 1, 3, false, 1203);
			UUID newest = seedTokens(db, key, 1, 4, false, 1204);
			UUID otherUser = seedTokens(db, key, 2, 1);
			// created one after the other: the newest is the one the old reissue took alone
			for (UUID id : List.of(refused, leased, newest)) {
				clock.advance(Duration.ofSeconds(1));
				db.jdbc().update("update token_notification set created_at = ? where id = ?",
						OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC), id);
			}
			assertThat(deliverLinks(db, key, ClaimOptions.DEFAULT)).as(err()).isEqualTo(DeliveryCommand.OK);
			assertThat(greenMail.getReceivedMessages()).hasSize(5);
			clock.advance(Duration.ofMinutes(1));
			// the older link locked by wrong keys, and one the mail server refused for good
			db.jdbc().update("update token_claim set state = 'LOCKED', failures = 5 where notification_id = ?", locked);
			db.jdbc().update("update token_notification set status = 'UNDELIVERABLE', attempts = 1, last_error = ?"
					+ " where id = ?", "the mail server refused it for good: 550 no such user", refused);
			List<Map<String, Object>> before = linkTables(db);

			// a key that opens none of them: refused before anything changes
			DeliveryKey other = randomKey();
			out.reset();
			err.reset();
			assertThat(deliverLinks(db, other, reissue(1))).isEqualTo(DeliveryCommand.USAGE);
			assertThat(linkTables(db)).as("nothing changed").isEqualTo(before);
			assertThat(err()).isEqualTo("keyshift: the delivery key (id " + other.id() + ") does not open the"
					+ " notifications to reissue of user 1 (notification " + locked + ", run 1), user 1 (notification "
					+ refused + ", run 2), user 1 (notification " + leased + ", run 3), user 1 (notification " + newest
					+ ", run 4). Give deliver the key migrate sealed them with. Nothing was sent or changed."
					+ System.lineSeparator());
			assertThat(out()).isEmpty();
			assertThat(greenMail.getReceivedMessages()).hasSize(5);

			// a deliver running elsewhere holds a lease on one (it is sending it) for 10 more minutes
			OffsetDateTime leaseEnd = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC).plusMinutes(10);
			db.jdbc().update("update token_notification set status = 'PENDING', next_attempt_at = ? where id = ?",
					leaseEnd, leased);

			// the right key: every unclaimed link of user 1 is reissued, except the leased one
			out.reset();
			err.reset();
			assertThat(deliverLinks(db, key, reissue(1))).isEqualTo(DeliveryCommand.FAILED);
			String who = "keyshift: deliver --reissue: user 1, notification ";
			assertThat(out()).contains(who + locked + ": a new link goes out now; the old one no longer works")
				.contains(who + refused + ": it was undeliverable (the mail server refused it for good): it is"
						+ " pending again, as with --retry-undeliverable, and goes out now with a new link")
				.contains(who + leased + ": left alone: it is pending and not due until 2026-12-01 09:11:03 UTC (a"
						+ " deliver is sending it, or it waits for its retry)")
				.contains(who + newest + ": a new link goes out now; the old one no longer works")
				.doesNotContain(otherUser.toString())
				.contains("keyshift: deliver: 3 sent, 0 failed, 1 still pending");
			assertThat(greenMail.getReceivedMessages()).hasSize(8);
			assertThat(claimStates(db, locked)).isEqualTo("REPLACED,OPEN");
			assertThat(claimStates(db, refused)).isEqualTo("REPLACED,OPEN");
			assertThat(claimStates(db, newest)).isEqualTo("REPLACED,OPEN");
			assertThat(claimStates(db, otherUser)).isEqualTo("OPEN");
			// the lease is not broken: the same time, the same link, still pending
			assertThat(claimStates(db, leased)).isEqualTo("OPEN");
			assertThat(db.jdbc().queryForObject("select count(*) from token_notification where id = ? and status ="
					+ " 'PENDING' and next_attempt_at = ?", Long.class, leased, leaseEnd)).isEqualTo(1);
			for (UUID id : List.of(locked, refused, newest)) {
				assertThat(db.row(id).get("STATUS")).isEqualTo("SENT");
			}
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void aDryRunInLinkModePreviewsTheLinkMessageAndNeedsTheBaseUrl(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.createPooled(kind, dir, 8)) {
			seedTokens(db, key, 1, 1);
			seedNoToken(db, key, 2, 1);
			List<Map<String, Object>> before = linkTables(db);

			assertThat(linkMode(db, BASE_URL, ClaimOptions.DEFAULT).run(true, null, () -> false,
					new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)))
				.as(err())
				.isEqualTo(DeliveryCommand.OK);

			assertThat(out()).contains("We never send tokens by e-mail. Your tokens wait for you on a page that shows"
					+ " them once. Open this link (it works once, and until 15 December 2026, 09:00 UTC):")
				.contains(BASE_URL + "/claim/[a link of its own, made when the message is sent]")
				.contains("If the page asks for a claim code, paste this one: [a code of its own, made when the message"
						+ " is sent]")
				.contains("would send TOKENS_ISSUED to user1@example.com", "would send NO_TOKEN_ISSUED to user2@example.com")
				.doesNotContain("[the new tokens: withheld in this preview]")
				.doesNotContain("dbtu_");
			assertThat(linkTables(db)).isEqualTo(before);
			assertThat(db.jdbc().queryForObject("select count(*) from token_claim", Long.class)).isZero();

			// no base URL: refused as a real run refuses it
			out.reset();
			assertThat(linkMode(db, null, ClaimOptions.DEFAULT).run(true, null, () -> false,
					new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)))
				.isEqualTo(DeliveryCommand.USAGE);
			assertThat(err()).isEqualTo("keyshift: link mode needs the address of keyshift serve: set"
					+ " keyshift.claim.base-url (KEYSHIFT_CLAIM_BASE_URL), e.g. https://keys.example.com, or use --mode"
					+ " token. Nothing was sent." + System.lineSeparator());
			assertThat(out()).isEmpty();
			assertThat(greenMail.getReceivedMessages()).isEmpty();
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void inLinkModeNothingPendingCountsTheLinksNotYetClaimedApartAndThePlainSmtpWarningSpeaksOfLinks(
			NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.createPooled(kind, dir, 8)) {
			seedTokens(db, key, 1, 1);
			seedTokens(db, key, 2, 1);
			seedNoToken(db, key, 3, 1);
			assertThat(deliverLinks(db, key, ClaimOptions.DEFAULT)).as(err()).isEqualTo(DeliveryCommand.OK);
			assertThat(err()).isEqualTo("keyshift: warning: no STARTTLS or SMTPS is configured: the claim links go to"
					+ " the mail server unencrypted (the legacy key check still guards them). Set"
					+ " spring.mail.properties.mail.smtp.starttls.enable=true and keyshift.mail.require-tls=true to"
					+ " refuse to send without TLS." + System.lineSeparator());

			out.reset();
			assertThat(deliverLinks(db, key, ClaimOptions.DEFAULT)).isEqualTo(DeliveryCommand.OK);
			assertThat(out()).isEqualTo("keyshift: deliver: nothing pending (1 delivered, 2 links sent and not yet"
					+ " claimed); nothing to do" + System.lineSeparator() + "keyshift: deliver: 2 links wait for their"
					+ " claim (0 expired, 0 locked): users claim their tokens on keyshift serve's page"
					+ System.lineSeparator());
		}
	}
}
