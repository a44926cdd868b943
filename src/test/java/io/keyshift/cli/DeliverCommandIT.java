package io.keyshift.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.keyshift.support.Csv;
import io.keyshift.support.TestDatabase;
import io.keyshift.token.Digests;
import io.keyshift.token.TokenMinter;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code keyshift migrate} on the sample export, then {@code keyshift deliver} through the command
 * line against a real SMTP server (GreenMail), on H2 and PostgreSQL: every token arrives once, in
 * its owner's message, and matches its stored digest; payloads are erased; a second deliver sends
 * nothing; with the mail server down nothing is lost and later deliveries send everything; no
 * token appears in any output.
 */
@ExtendWith(OutputCaptureExtension.class)
class DeliverCommandIT {

	@RegisterExtension
	static final GreenMailExtension greenMail = new GreenMailExtension(
			new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
		.withPerMethodLifecycle(true);

	private static final Path SAMPLE = Path.of("sample-data");

	private static final Pattern TOKEN = Pattern.compile("dbtu_[0-9A-Za-z]{49}");

	private static final String FROM = "keyshift@example.com";

	private static final Path EXPECTED_REPORT = Path.of("src/test/resources/sample-expected/report.csv");

	private static final List<String> EXPECTED_NOTIFICATIONS = expectedNotifications();

	@TempDir
	Path tmp;

	private TestDatabase db;

	private Path key;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@AfterEach
	void dropDatabase() {
		if (db != null) {
			db.close();
		}
	}

	private int run(List<String> args) {
		List<String> all = new ArrayList<>(args);
		all.addAll(db.springArgs());
		return Cli.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	/** A real migrate run of the sample export; returns how many notifications it queued. */
	private long migrate(TestDatabase.Kind kind) throws IOException {
		db = TestDatabase.create(kind, tmp);
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		key = Files.writeString(tmp.resolve("delivery.key"), Base64.getEncoder().encodeToString(bytes) + "\n");
		// as the README makes it: readable only by its owner (else deliver warns, on stderr)
		Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
		assertThat(run(List.of("migrate", "--input", SAMPLE.toString(), "--report-dir", tmp.resolve("report").toString(),
				"--delivery-key-file", key.toString(), "--accept-unattributed-rows")))
			.as(err.toString())
			.isZero();
		long queued = count("select count(*) from token_notification where status = 'PENDING'");
		assertThat(queued).as("the README's figure for the sample").isEqualTo(22);
		List<String> notified = db.jdbc().queryForList("select user_id || '|' || email || '|' || kind"
				+ " from token_notification", String.class);
		assertThat(notified).containsExactlyInAnyOrderElementsOf(EXPECTED_NOTIFICATIONS);
		return queued;
	}

	/**
	 * The notifications SPEC §6 asks for, from the hand-derived expected report: {@code user|email|kind},
	 * TOKENS_ISSUED to a user with a CREATED row, NO_TOKEN_ISSUED to a user whose rows are all SKIPPED.
	 */
	private static List<String> expectedNotifications() {
		Map<String, List<Map<String, String>>> byUser = new LinkedHashMap<>();
		for (Map<String, String> row : Csv.read(EXPECTED_REPORT)) {
			byUser.computeIfAbsent(row.get("user_id") + "|" + row.get("email"), u -> new ArrayList<>()).add(row);
		}
		List<String> expected = new ArrayList<>();
		byUser.forEach((user, rows) -> {
			if (rows.stream().anyMatch(r -> r.get("outcome").equals("CREATED"))) {
				expected.add(user + "|TOKENS_ISSUED");
			}
			else if (rows.stream().allMatch(r -> r.get("outcome").equals("SKIPPED"))) {
				expected.add(user + "|NO_TOKEN_ISSUED");
			}
		});
		return expected;
	}

	private int deliver(int smtpPort, String... more) {
		// token mode: these tests read the tokens from the messages (link mode: ClaimPagesIT)
		List<String> args = new ArrayList<>(List.of("deliver", "--mode", "token", "--delivery-key-file", key.toString(),
				"--spring.mail.host=127.0.0.1", "--spring.mail.port=" + smtpPort, "--keyshift.mail.from=" + FROM,
				"--spring.mail.properties.mail.smtp.connectiontimeout=5000",
				"--spring.mail.properties.mail.smtp.timeout=5000"));
		args.addAll(List.of(more));
		out.reset();
		err.reset();
		return run(args);
	}

	private static int liveSmtp() {
		return greenMail.getSmtp().getPort();
	}

	private static int deadSmtp() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	private long count(String sql) {
		return db.jdbc().queryForObject(sql, Long.class);
	}

	private String out() {
		return out.toString(StandardCharsets.UTF_8);
	}

	private String err() {
		return err.toString(StandardCharsets.UTF_8);
	}

	private static String part(MimeMessage message, int index) throws Exception {
		return (String) ((MimeMultipart) message.getContent()).getBodyPart(index).getContent();
	}

	private static List<String> tokensIn(String text) {
		List<String> found = new ArrayList<>();
		Matcher m = TOKEN.matcher(text);
		while (m.find()) {
			found.add(m.group());
		}
		return found;
	}

	/**
	 * Checks every received message against the database: one per notified user, From and To
	 * right, plain text and HTML carrying the same tokens, each the owner's and matching its digest,
	 * every PAT in exactly one message. Returns the tokens, to search the output for them.
	 */
	private List<String> verifyReceived(MimeMessage[] received) throws Exception {
		JdbcTemplate jdbc = db.jdbc();
		// who must get a message: from the expected report, not from what migrate queued
		Map<String, Long> userByEmail = new HashMap<>();
		for (String notification : EXPECTED_NOTIFICATIONS) {
			String[] cells = notification.split("\\|");
			userByEmail.put(cells[1], Long.parseLong(cells[0]));
		}
		assertThat(userByEmail).hasSize(22);
		assertThat(received).hasSize(userByEmail.size());
		Set<String> recipients = new HashSet<>();
		List<String> tokens = new ArrayList<>();
		for (MimeMessage message : received) {
			String to = message.getAllRecipients()[0].toString();
			assertThat(recipients.add(to)).as("one message per user: " + to).isTrue();
			assertThat(message.getFrom()[0].toString()).isEqualTo(FROM);
			assertThat(message.getContentType()).startsWith("multipart/alternative");
			String text = part(message, 0);
			List<String> inText = tokensIn(text);
			assertThat(inText).as("one token per CREATED row of %s in the expected report", to)
				.hasSize(expectedTokens(to));
			assertThat(tokensIn(part(message, 1))).containsExactlyElementsOf(inText);
			assertThat(text).contains("What to do now", "/v2/accounts and /v3/accounts", "service tokens");
			for (String token : inText) {
				assertThat(TokenMinter.isWellFormed(token)).isTrue();
				Map<String, Object> pat = jdbc.queryForMap(
						"select user_id, token_digest, token_hint from personal_access_token where token_digest = ?",
						Digests.sha256Hex(token));
				assertThat(((Number) pat.get("USER_ID")).longValue()).as("the token's owner gets it")
					.isEqualTo(userByEmail.get(to));
				assertThat(Digests.matches(token, (String) pat.get("TOKEN_DIGEST"))).isTrue();
				assertThat(text).contains("Ends in:      " + pat.get("TOKEN_HINT"));
			}
			tokens.addAll(inText);
		}
		assertThat(recipients).isEqualTo(userByEmail.keySet());
		assertThat(tokens).doesNotHaveDuplicates();
		assertThat(new HashSet<>(tokens.stream().map(Digests::sha256Hex).toList()))
			.as("every PAT is in exactly one message")
			.isEqualTo(new HashSet<>(jdbc.queryForList("select token_digest from personal_access_token", String.class)));
		return tokens;
	}

	/** GreenMail speaks plain SMTP: deliver says so once before it sends. */
	private static final String PLAIN_SMTP_WARNING = "keyshift: warning: no STARTTLS or SMTPS is configured: the"
			+ " tokens go to the mail server unencrypted. Set spring.mail.properties.mail.smtp.starttls.enable=true"
			+ " and keyshift.mail.require-tls=true to refuse to send without TLS." + System.lineSeparator();

	/** Token mode puts the tokens in the e-mails: deliver says so once before it sends. */
	private static final String TOKEN_MODE_WARNING = io.keyshift.claim.LinkDelivery.TOKEN_MODE_WARNING
			+ System.lineSeparator();

	/** What deliver printed to stderr after its warning lines about token mode and plain SMTP. */
	private String errAfterWarning() {
		assertThat(err()).startsWith(TOKEN_MODE_WARNING + PLAIN_SMTP_WARNING);
		return err().substring(TOKEN_MODE_WARNING.length() + PLAIN_SMTP_WARNING.length());
	}

	private static int expectedTokens(String email) {
		return (int) Csv.read(EXPECTED_REPORT)
			.stream()
			.filter(r -> r.get("email").equals(email) && r.get("outcome").equals("CREATED"))
			.count();
	}

	private void assertNoTokenIn(CapturedOutput logs, List<String> tokens) {
		String everything = logs.getAll() + out() + err();
		assertThat(everything).doesNotContain("dbtu_");
		for (String token : tokens) {
			assertThat(everything).doesNotContain(token.substring(5));
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void deliversEveryTokenOnceToItsOwnerErasesThePayloadsAndASecondDeliverSendsNothing(TestDatabase.Kind kind,
			CapturedOutput logs) throws Exception {
		long queued = migrate(kind);
		List<Map<String, Object>> before = db.jdbc().queryForList("select * from token_notification order by id");

		// a dry run: the messages, tokens withheld, nothing decrypted, sent or changed
		out.reset();
		assertThat(run(List.of("deliver", "--dry-run", "--mode", "token"))).as(err.toString()).isZero();
		assertThat(out()).contains("--- TOKENS_ISSUED message", "--- NO_TOKEN_ISSUED message",
				"keyshift: deliver (dry run): " + queued + " notifications would be sent now");
		assertThat(greenMail.getReceivedMessages()).isEmpty();
		assertThat(db.jdbc().queryForList("select * from token_notification order by id")).isEqualTo(before);

		assertThat(deliver(liveSmtp())).as(err()).isZero();

		assertThat(out()).contains("keyshift: deliver: " + queued + " sent, 0 failed, 0 still pending");
		assertThat(errAfterWarning()).isEmpty();
		List<String> tokens = verifyReceived(greenMail.getReceivedMessages());
		assertThat(tokens).hasSize((int) count("select count(*) from personal_access_token"));
		assertThat(count("select count(*) from token_notification where status = 'DELIVERED' and payload is null"
				+ " and delivered_at is not null")).isEqualTo(queued);

		assertThat(deliver(liveSmtp())).isZero();
		assertThat(out()).isEqualTo(
				"keyshift: deliver: nothing pending (" + queued + " delivered earlier); nothing to do" + System.lineSeparator());
		assertThat(greenMail.getReceivedMessages()).hasSize((int) queued);
		assertNoTokenIn(logs, tokens);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void withTheMailServerDownNothingIsLostAndLaterDeliveriesSendEverything(TestDatabase.Kind kind,
			CapturedOutput logs) throws Exception {
		long queued = migrate(kind);
		Map<Object, Object> payloads = new HashMap<>();
		db.jdbc().query("select id, payload from token_notification", rs -> {
			payloads.put(rs.getString(1), rs.getString(2));
		});

		// down: ten refusals in a row stop the run; every notification stays pending with its payload
		assertThat(deliver(deadSmtp())).isEqualTo(1);
		assertThat(out()).contains("keyshift: deliver: 0 sent, 10 failed, " + queued + " still pending");
		assertThat(errAfterWarning()).startsWith("keyshift: stopped early: the mail server refused 10 messages in a row (last:"
				+ " the mail server did not accept the message: MailSendException: ConnectException: Connection refused)."
				+ " Nothing was lost: " + queued + " notifications are still pending. Check spring.mail.* and run deliver"
				+ " again.");
		assertThat(count("select count(*) from token_notification where status = 'PENDING' and payload is not null"))
			.isEqualTo(queued);
		db.jdbc().query("select id, payload from token_notification",
				rs -> { assertThat(rs.getString(2)).isEqualTo(payloads.get(rs.getString(1))); });
		assertThat(count("select count(*) from token_notification where attempts = 1 and last_error like"
				+ " 'the mail server did not accept the message%'")).isEqualTo(10);

		// up again at once: the untried ones go; the ten that failed wait for their backoff (1 min)
		OffsetDateTime afterBackoff = OffsetDateTime.now(ZoneOffset.UTC).plusMinutes(1);
		assertThat(deliver(liveSmtp())).isEqualTo(1);
		assertThat(out()).contains("keyshift: deliver: " + (queued - 10) + " sent, 0 failed, 10 still pending");
		Matcher after = Pattern.compile("keyshift: 10 notifications are still pending\\. Nothing was lost; run deliver"
				+ " again after (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d) UTC\\.\\R").matcher(errAfterWarning());
		assertThat(after.matches()).as(err()).isTrue();
		assertThat(LocalDateTime.parse(after.group(1), DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")))
			.isBeforeOrEqualTo(afterBackoff.toLocalDateTime());
		assertThat(greenMail.getReceivedMessages()).hasSize((int) queued - 10);

		// once the backoff is over (moved into the past here rather than waited for): the rest
		db.jdbc().update("update token_notification set next_attempt_at = ? where status = 'PENDING'",
				OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1));
		assertThat(deliver(liveSmtp())).as(err()).isZero();
		assertThat(out()).contains("keyshift: deliver: 10 sent, 0 failed, 0 still pending");
		List<String> tokens = verifyReceived(greenMail.getReceivedMessages());
		assertThat(count("select count(*) from token_notification where status = 'DELIVERED' and payload is null"))
			.isEqualTo(queued);
		assertNoTokenIn(logs, tokens);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void anEmailShowsAHostileAccountNameAsTheTextItHoldsWithInvisibleCharactersSpelledOut(TestDatabase.Kind kind)
			throws Exception {
		db = TestDatabase.create(kind, tmp);
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		key = Files.writeString(tmp.resolve("delivery.key"), Base64.getEncoder().encodeToString(bytes) + "\n");
		// a name the reader lets through: markup, a zero-width space and a right-to-left mark
		Path input = Files.createDirectories(tmp.resolve("hostile"));
		Files.writeString(input.resolve("accounts.csv"),
				"account_id,account_name,plan,state\n1,<b>Zero\u200Bwidth</b> \u200Fmark,team,active\n");
		Files.writeString(input.resolve("legacy_api_keys.csv"), "key_id,user_id,email,api_key,created_at,last_used_at\n"
				+ "10,7,paul@example.com,ak_paul_0123456789abcdef,2026-11-09T12:00:00Z,\n");
		Files.writeString(input.resolve("account_memberships.csv"),
				"user_id,account_id,license_type,permission_set,project_id\n7,1,developer,admin,\n");
		assertThat(run(List.of("migrate", "--input", input.toString(), "--report-dir", tmp.resolve("report").toString(),
				"--delivery-key-file", key.toString())))
			.as(err.toString())
			.isZero();

		assertThat(deliver(liveSmtp())).as(err()).isZero();

		MimeMessage[] received = greenMail.getReceivedMessages();
		assertThat(received).hasSize(1);
		String text = part(received[0], 0);
		String html = part(received[0], 1);
		assertThat(text).contains("<b>Zero\\u200Bwidth</b> \\u200Fmark (account 1)");
		assertThat(html).contains("&lt;b&gt;Zero\\u200Bwidth&lt;/b&gt; \\u200Fmark").doesNotContain("<b>Zero");
		assertThat(text + html).doesNotContain("\u200B").doesNotContain("\u200F");
	}
}
