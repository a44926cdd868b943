package io.keyshift.notify;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.keyshift.notify.NotificationPayload.SkippedEntry;
import io.keyshift.notify.NotificationPayload.TokenEntry;
import io.keyshift.notify.NotificationPayload.UsageEntry;
import io.keyshift.store.NotificationStore;
import io.keyshift.token.DeliveryCipher;
import io.keyshift.token.DeliveryKey;
import io.keyshift.token.Digests;
import io.keyshift.token.TokenMinter;
import io.keyshift.token.TokenSecret;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(OutputCaptureExtension.class)
class DelivererIT {

	@RegisterExtension
	static final GreenMailExtension greenMail = new GreenMailExtension(
			new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
		.withPerMethodLifecycle(true);

	private static final Instant T0 = Instant.parse("2026-12-01T09:00:00Z");

	private static final Pattern TOKEN = Pattern.compile("dbtu_[0-9A-Za-z]{49}");

	private static final String FROM = "keyshift@example.com";

	private static final Map<String, Long> USER_IDS = Map.of("ana@example.com", 1L, "bo@example.com", 2L,
			"cy@example.com", 3L);

	private static final Duration LEASE = Duration.ofMinutes(10);

	@TempDir
	Path dir;

	private final DeliveryCipher cipher = new DeliveryCipher(randomKey(), new SecureRandom());

	private final TokenMinter minter = new TokenMinter();

	private final MutableClock clock = new MutableClock(T0);

	private static DeliveryKey randomKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return DeliveryKey.of(key);
	}

	/** What was seeded: notification id per email, and the token values sealed for each email. */
	private record Seeded(Map<String, UUID> ids, Map<String, List<String>> tokens, Map<UUID, String> payloads) {

		List<String> allTokens() {
			return tokens.values().stream().flatMap(List::stream).toList();
		}
	}

	/** Three users: two tokens, one token, and no token at all. */
	private Seeded seed(NotifyDatabase db) {
		Map<String, UUID> ids = new HashMap<>();
		Map<String, List<String>> tokens = new HashMap<>();
		OffsetDateTime created = OffsetDateTime.ofInstant(T0.minusSeconds(3600), ZoneOffset.UTC);
		ids.put("ana@example.com", db.insertSealed(cipher, tokensPayload(db, 1, "ana@example.com", tokens, 1201, 1300),
				created));
		ids.put("bo@example.com", db.insertSealed(cipher, tokensPayload(db, 2, "bo@example.com", tokens, 1201),
				created));
		ids.put("cy@example.com", db.insertSealed(cipher, new NotificationPayload("NO_TOKEN_ISSUED", 3,
				"cy@example.com", List.of(), List.of(new SkippedEntry(7L, "Dev shop", "PLAN_NOT_ELIGIBLE")),
				List.of()), created));
		tokens.put("cy@example.com", List.of());
		Map<UUID, String> payloads = new HashMap<>();
		ids.values().forEach(id -> payloads.put(id, (String) db.row(id).get("PAYLOAD")));
		return new Seeded(ids, tokens, payloads);
	}

	private NotificationPayload tokensPayload(NotifyDatabase db, long userId, String email,
			Map<String, List<String>> tokens, long... accounts) {
		List<TokenEntry> entries = new ArrayList<>();
		List<String> values = new ArrayList<>();
		for (long account : accounts) {
			TokenSecret secret = minter.mint();
			db.insertToken(userId, account, secret.digest(), secret.hint());
			entries.add(new TokenEntry(account, "Account " + account, "Migrated from legacy API key " + userId,
					secret.hint(), "developer@all", secret.reveal()));
			values.add(secret.reveal());
		}
		tokens.put(email, values);
		return new NotificationPayload("TOKENS_ISSUED", userId, email, entries, List.of(),
				List.of(new UsageEntry("/api/v3/accounts/", "terraform/1.6.0", "2026-11-01T10:00Z", 12)));
	}

	private static SmtpMailer smtp(int port) {
		JavaMailSenderImpl sender = new JavaMailSenderImpl();
		sender.setHost("127.0.0.1");
		sender.setPort(port);
		sender.getJavaMailProperties().put("mail.smtp.connectiontimeout", "5000");
		sender.getJavaMailProperties().put("mail.smtp.timeout", "5000");
		return new SmtpMailer(sender);
	}

	private static SmtpMailer liveSmtp() {
		return smtp(greenMail.getSmtp().getPort());
	}

	private static SmtpMailer deadSmtp() {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		return smtp(port);
	}

	private Deliverer deliverer(NotifyDatabase db, NotificationStore store, DeliveryCipher cipher, Mailer mailer) {
		return new Deliverer(store, new MessageRenderer(), cipher, mailer, FROM, clock, db.transactions(),
				Backoff.DEFAULT, LEASE, 2);
	}

	private Deliverer deliverer(NotifyDatabase db, Mailer mailer) {
		return deliverer(db, db.store(), cipher, mailer);
	}

	private static String part(MimeMessage message, int index) throws Exception {
		return (String) ((MimeMultipart) message.getContent()).getBodyPart(index).getContent();
	}

	private static List<String> tokensIn(String text) {
		List<String> out = new ArrayList<>();
		Matcher m = TOKEN.matcher(text);
		while (m.find()) {
			out.add(m.group());
		}
		return out;
	}

	private static OffsetDateTime at(Instant instant) {
		return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void sendsEachUserExactlyTheTokensSealedForThemAndErasesEveryPayload(NotifyDatabase.Kind kind) throws Exception {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			Seeded seeded = seed(db);

			Deliverer.Result result = deliverer(db, liveSmtp()).deliver();

			assertThat(result).isEqualTo(new Deliverer.Result(3, 0, 0, null, false, null));
			MimeMessage[] received = greenMail.getReceivedMessages();
			assertThat(received).hasSize(3);
			for (MimeMessage message : received) {
				String to = message.getAllRecipients()[0].toString();
				String text = part(message, 0);
				String html = part(message, 1);
				assertThat(message.getContentType()).startsWith("multipart/alternative");
				assertThat(message.getFrom()[0].toString()).isEqualTo(FROM);
				List<String> expected = seeded.tokens().get(to);
				assertThat(tokensIn(text)).containsExactlyInAnyOrderElementsOf(expected);
				assertThat(tokensIn(html)).containsExactlyInAnyOrderElementsOf(expected);
				for (String token : tokensIn(text)) {
					assertThat(TokenMinter.isWellFormed(token)).isTrue();
					String stored = db.jdbc().queryForObject(
							"select token_digest from personal_access_token where token_hint = ? and user_id = ?",
							String.class, Digests.hint(token), USER_IDS.get(to));
					assertThat(Digests.matches(token, stored)).isTrue();
					assertThat(Digests.sha256Hex(token)).isEqualTo(stored);
				}
			}
			for (UUID id : seeded.ids().values()) {
				Map<String, Object> row = db.row(id);
				assertThat(row.get("STATUS")).isEqualTo("DELIVERED");
				assertThat(row.get("PAYLOAD")).isNull();
				assertThat(((OffsetDateTime) db.jdbc().queryForObject(
						"select delivered_at from token_notification where id = ?", OffsetDateTime.class, id))
					.toInstant()).isEqualTo(T0);
			}
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void aSecondDeliverySendsNothing(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			seed(db);
			deliverer(db, liveSmtp()).deliver();
			clock.advance(Duration.ofDays(1));

			Deliverer.Result second = deliverer(db, liveSmtp()).deliver();

			assertThat(second).isEqualTo(new Deliverer.Result(0, 0, 0, null, false, null));
			assertThat(greenMail.getReceivedMessages()).hasSize(3);
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void withTheMailServerDownNothingIsLostAndADeliveryAfterTheBackoffSendsEverything(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			Seeded seeded = seed(db);

			Deliverer.Result down = deliverer(db, deadSmtp()).deliver();

			assertThat(down.sent()).isZero();
			assertThat(down.failed()).isEqualTo(3);
			assertThat(down.remaining()).isEqualTo(3);
			assertThat(down.nextDue().toInstant()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
			for (UUID id : seeded.ids().values()) {
				Map<String, Object> row = db.row(id);
				assertThat(row.get("STATUS")).isEqualTo("PENDING");
				assertThat(row.get("PAYLOAD")).isEqualTo(seeded.payloads().get(id));
				assertThat(row.get("ATTEMPTS")).isEqualTo(1);
				assertThat((String) row.get("LAST_ERROR")).startsWith("the mail server did not accept the message")
					.doesNotContain("dbtu_");
			}

			// still down a minute later: the wait doubles
			clock.advance(Duration.ofMinutes(1));
			assertThat(deliverer(db, deadSmtp()).deliver().failed()).isEqualTo(3);
			assertThat(db.row(seeded.ids().get("ana@example.com")).get("ATTEMPTS")).isEqualTo(2);

			// up again, but the backoff (2 min) is not over: nothing is tried
			clock.advance(Duration.ofSeconds(119));
			assertThat(deliverer(db, liveSmtp()).deliver()).isEqualTo(new Deliverer.Result(0, 0, 3,
					at(T0.plus(Duration.ofMinutes(3))), false, null));
			assertThat(greenMail.getReceivedMessages()).isEmpty();

			clock.advance(Duration.ofSeconds(1));
			Deliverer.Result up = deliverer(db, liveSmtp()).deliver();

			assertThat(up).isEqualTo(new Deliverer.Result(3, 0, 0, null, false, null));
			assertThat(greenMail.getReceivedMessages()).hasSize(3);
			List<String> received = new ArrayList<>();
			for (MimeMessage m : greenMail.getReceivedMessages()) {
				received.addAll(tokensIn(com.icegreen.greenmail.util.GreenMailUtil.getBody(m).replace("=\r\n", "")));
			}
			assertThat(received).containsAll(seeded.allTokens());
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void stopsAfterTenRefusalsInARowAndLeavesTheRestUntried(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			for (int i = 0; i < 12; i++) {
				db.insertSealed(cipher, new NotificationPayload("NO_TOKEN_ISSUED", 100 + i, "u" + i + "@example.com",
						List.of(), List.of(new SkippedEntry(7L, "Dev shop", "PLAN_NOT_ELIGIBLE")), List.of()),
						at(T0));
			}

			Deliverer.Result result = deliverer(db, deadSmtp()).deliver();

			assertThat(result.stoppedEarly()).isTrue();
			assertThat(result.failed()).isEqualTo(10);
			assertThat(result.remaining()).isEqualTo(12);
			assertThat(db.jdbc().queryForObject(
					"select count(*) from token_notification where attempts = 0 and next_attempt_at is null",
					Integer.class)).isEqualTo(2);
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void aWrongDeliveryKeyIsAFailedAttemptWithAClearErrorAndSendsNothing(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			Seeded seeded = seed(db);
			DeliveryCipher wrong = new DeliveryCipher(randomKey(), new SecureRandom());

			Deliverer.Result result = deliverer(db, db.store(), wrong, liveSmtp()).deliver();

			assertThat(result.sent()).isZero();
			assertThat(result.failed()).isEqualTo(3);
			assertThat(greenMail.getReceivedMessages()).isEmpty();
			UUID id = seeded.ids().get("ana@example.com");
			assertThat((String) db.row(id).get("LAST_ERROR")).contains("wrong delivery key");
			assertThat(db.row(id).get("PAYLOAD")).isEqualTo(seeded.payloads().get(id));
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void aPayloadCopiedToAnotherUsersNotificationIsNeverSentToThem(NotifyDatabase.Kind kind) throws Exception {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			Seeded seeded = seed(db);
			UUID bo = seeded.ids().get("bo@example.com");
			db.jdbc().update("update token_notification set payload = ? where id = ?",
					seeded.payloads().get(seeded.ids().get("ana@example.com")), bo);

			Deliverer.Result result = deliverer(db, liveSmtp()).deliver();

			assertThat(result.sent()).isEqualTo(2);
			assertThat(result.failed()).isEqualTo(1);
			assertThat(db.row(bo).get("STATUS")).isEqualTo("PENDING");
			for (MimeMessage m : greenMail.getReceivedMessages()) {
				assertThat(m.getAllRecipients()[0].toString()).isNotEqualTo("bo@example.com");
			}
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void aCrashAfterSendingResendsTheSameTokenOnceTheLeaseIsOver(NotifyDatabase.Kind kind) throws Exception {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			Seeded seeded = seed(db);
			NotificationStore crashing = new NotificationStore(db.jdbc()) {
				@Override
				public boolean markDelivered(UUID id, OffsetDateTime now) {
					throw new IllegalStateException("simulated crash between send and mark");
				}
			};
			assertThatThrownBy(() -> deliverer(db, crashing, cipher, liveSmtp()).deliver())
				.hasMessageContaining("simulated crash");
			assertThat(greenMail.getReceivedMessages()).hasSize(1);
			String firstTo = greenMail.getReceivedMessages()[0].getAllRecipients()[0].toString();
			List<String> firstTokens = tokensIn(part(greenMail.getReceivedMessages()[0], 0));
			assertThat(db.row(seeded.ids().get(firstTo)).get("STATUS")).isEqualTo("PENDING");

			// the next run right away leaves the crashed one alone (its lease holds) and sends the others
			assertThat(deliverer(db, liveSmtp()).deliver().sent()).isEqualTo(2);
			assertThat(db.row(seeded.ids().get(firstTo)).get("STATUS")).isEqualTo("PENDING");

			clock.advance(LEASE);
			assertThat(deliverer(db, liveSmtp()).deliver().sent()).isEqualTo(1);

			List<MimeMessage> toFirst = new ArrayList<>();
			for (MimeMessage m : greenMail.getReceivedMessages()) {
				if (m.getAllRecipients()[0].toString().equals(firstTo)) {
					toFirst.add(m);
				}
			}
			assertThat(toFirst).hasSize(2);
			assertThat(tokensIn(part(toFirst.get(1), 0))).isEqualTo(firstTokens);
			assertThat(db.row(seeded.ids().get(firstTo)).get("STATUS")).isEqualTo("DELIVERED");
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void theLogNeverShowsATokenWhetherDeliverySucceedsOrFails(NotifyDatabase.Kind kind, CapturedOutput output) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			Seeded seeded = seed(db);

			deliverer(db, deadSmtp()).deliver();
			clock.advance(Duration.ofMinutes(1));
			deliverer(db, liveSmtp()).deliver();

			assertThat(output.getAll()).contains("not delivered, attempt 1", "delivered to user 1")
				.doesNotContain("dbtu_");
			for (String token : seeded.allTokens()) {
				assertThat(output.getAll()).doesNotContain(token, token.substring(5, 30));
			}
			for (String payload : seeded.payloads().values()) {
				assertThat(output.getAll()).doesNotContain(payload.substring(0, 40));
			}
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void aDryRunPreviewsEveryDueNotificationWithoutDecryptingSendingOrChangingAnything(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			Seeded seeded = seed(db);
			List<Map<String, Object>> before = db.jdbc().queryForList("select * from token_notification order by id");
			List<Deliverer.Preview> previews = new ArrayList<>();

			Deliverer.PreviewResult result = new Deliverer(db.store(), new MessageRenderer(), null, null, null, clock,
					db.transactions(), Backoff.DEFAULT, LEASE, 2)
				.preview(previews::add);

			assertThat(result).isEqualTo(new Deliverer.PreviewResult(3, 3));
			assertThat(previews).extracting(Deliverer.Preview::email)
				.containsExactlyInAnyOrderElementsOf(seeded.ids().keySet());
			for (Deliverer.Preview p : previews) {
				assertThat(p.message().text()).contains(p.email(), p.kind(), "withheld").doesNotContain("dbtu_");
				assertThat(p.message().html()).doesNotContain("dbtu_");
			}
			assertThat(greenMail.getReceivedMessages()).isEmpty();
			assertThat(db.jdbc().queryForList("select * from token_notification order by id")).isEqualTo(before);
		}
	}
}
