package io.keyshift.claim;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.keyshift.support.Csv;
import io.keyshift.support.TestDatabase;
import jakarta.mail.internet.MimeMessage;
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
 * The claim flow over plain HTTP, on H2 and PostgreSQL: migrate the sample for real, start serve,
 * deliver in link mode to GreenMail, then claim through the pages as a browser would (cookies,
 * form posts): no message holds a token; a GET consumes nothing; a missing CSRF value, a wrong
 * code and a wrong key are refused with their page and status; the right key shows every token of
 * the user once (each matching its stored digest), marks the notification delivered, erases its
 * payload and records DELIVERED; a second visit and a reused secret say when it was claimed; five
 * wrong keys lock a link until deliver --reissue sends a fresh one (the old one dead); an expired
 * link says so until deliver --reissue-expired; --waive-key-check; too many attempts are refused;
 * every response carries the security headers; no secret reaches any output of the run.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClaimPagesIT {

	@RegisterExtension
	static final GreenMailExtension greenMail = new GreenMailExtension(
			new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
		.withPerMethodLifecycle(true);

	private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

	@TempDir
	Path tmp;

	private ClaimFixture fixture;

	private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager()).build();

	@AfterEach
	void stop() {
		if (fixture != null) {
			fixture.close();
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void claimsTokensOnceWithTheLegacyKey(TestDatabase.Kind kind, CapturedOutput output) throws Exception {
		fixture = new ClaimFixture(kind, tmp, greenMail, "--keyshift.claim.attempts-per-minute=40");
		JdbcTemplate jdbc = fixture.db.jdbc();
		// from the hand-derived report: who gets tokens (and a link), and how many
		Map<String, Integer> created = createdPerEmail();
		assertThat(created).hasSize(16);
		assertThat(fixture.deliver()).as(fixture.err()).isZero();
		assertThat(fixture.out()).contains("keyshift: deliver: 22 sent, 0 failed, 0 still pending")
			.contains("keyshift: deliver: 16 links wait for their claim (0 expired, 0 locked)");
		// no message holds a token
		MimeMessage[] received = greenMail.getReceivedMessages();
		assertThat(received).hasSize(22);
		for (MimeMessage m : received) {
			assertThat(ClaimFixture.tokensIn(ClaimFixture.text(m) + ClaimFixture.html(m))).isEmpty();
		}
		assertThat(jdbc.queryForObject("select count(*) from token_notification where status = 'SENT'"
				+ " and payload is not null", Long.class)).isEqualTo(16);
		assertThat(jdbc.queryForObject("select count(*) from token_notification where status = 'DELIVERED'"
				+ " and kind <> 'TOKENS_ISSUED' and payload is null", Long.class)).isEqualTo(6);
		assertThat(jdbc.queryForObject("select count(*) from token_event where event = 'DELIVERED'", Long.class))
			.isZero();

		String lucas = "lucas.moreau@example.com";
		ClaimFixture.Link link = fixture.lastLink(lucas);
		// a scanner's GET, twice: the confirmation page, nothing consumed
		for (int i = 0; i < 2; i++) {
			HttpResponse<String> page = get(link.page());
			assertThat(page.statusCode()).isEqualTo(200);
			assertThat(page.body()).contains("Show my tokens").doesNotContain("dbtu_").doesNotContain(link.code());
			securityHeaders(page);
		}
		assertThat(claimState(link)).isEqualTo("OPEN|0");
		assertThat(jdbc.queryForObject("select count(*) from token_notification n join token_claim c"
				+ " on c.notification_id = n.id where c.id = ? and n.payload is not null and n.status = 'SENT'",
				Long.class, java.util.UUID.fromString(link.claimId()))).isEqualTo(1);
		// the claim secret is stored only as its digest
		assertThat(jdbc.queryForObject("select secret_digest from token_claim where id = ?", String.class,
				java.util.UUID.fromString(link.claimId()))).isEqualTo(sha256(link.code()));

		String legacyKey = fixture.legacyKeyByEmail.get(lucas);
		String csrf = csrf(get(link.page()).body());
		// no CSRF value: refused, nothing counted
		HttpResponse<String> noCsrf = post(link.page(), Map.of("code", link.code(), "legacy_key", legacyKey));
		assertThat(noCsrf.statusCode()).isEqualTo(403);
		assertThat(noCsrf.body()).contains("This form has expired").doesNotContain("dbtu_");
		securityHeaders(noCsrf);
		// a forged CSRF value
		assertThat(post(link.page(), Map.of("code", link.code(), "legacy_key", legacyKey, "csrf", "x" + csrf))
			.statusCode()).isEqualTo(403);
		assertThat(claimState(link)).isEqualTo("OPEN|0");
		// a form Tomcat cannot decode (a malformed escape after the real key): one line, 400, the key in no log
		HttpResponse<String> malformed = http.send(HttpRequest.newBuilder(URI.create(link.page()))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString("csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8)
					+ "&code=" + URLEncoder.encode(link.code(), StandardCharsets.UTF_8) + "&legacy_key="
					+ URLEncoder.encode(legacyKey, StandardCharsets.UTF_8) + "%C3%28zz%ZZ"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(malformed.statusCode()).isEqualTo(400);
		securityHeaders(malformed);
		assertThat(claimState(link)).isEqualTo("OPEN|0");
		// a wrong code: refused, not counted as a wrong key
		HttpResponse<String> wrongCode = post(link.page(), form(link.code().substring(1) + "A", legacyKey, csrf));
		assertThat(wrongCode.statusCode()).isEqualTo(403);
		assertThat(wrongCode.body()).contains("That claim code does not belong to this link");
		assertThat(claimState(link)).isEqualTo("OPEN|0");
		// a wrong key: counted
		HttpResponse<String> wrongKey = post(link.page(), form(link.code(), fixture.legacyKeyByEmail
			.get("amara.okafor@example.com"), csrf));
		assertThat(wrongKey.statusCode()).isEqualTo(403);
		assertThat(wrongKey.body()).contains("That is not your current legacy API key. 4 more tries")
			.doesNotContain("dbtu_");
		securityHeaders(wrongKey);
		assertThat(claimState(link)).isEqualTo("OPEN|1");

		// the right key: every token of the user, once
		HttpResponse<String> shown = post(link.page(), form(link.code(), legacyKey, csrf));
		assertThat(shown.statusCode()).isEqualTo(200);
		securityHeaders(shown);
		List<String> tokens = ClaimFixture.tokensIn(shown.body()).stream().distinct().toList();
		long userId = fixture.userByEmail.get(lucas);
		assertThat(tokens).hasSize(created.get(lucas));
		for (String token : tokens) {
			assertThat(jdbc.queryForObject("select count(*) from personal_access_token where user_id = ?"
					+ " and token_digest = ?", Long.class, userId, sha256(token))).as("token's digest").isEqualTo(1);
		}
		assertThat(claimState(link)).isEqualTo("CLAIMED|1");
		assertThat(jdbc.queryForObject("select status from token_notification where user_id = ? and kind ="
				+ " 'TOKENS_ISSUED'", String.class, userId)).isEqualTo("DELIVERED");
		assertThat(jdbc.queryForObject("select count(*) from token_notification where user_id = ? and payload is"
				+ " null and delivered_at is not null", Long.class, userId)).isEqualTo(1);
		assertThat(jdbc.queryForObject("select count(*) from token_event e join personal_access_token t on"
				+ " t.id = e.token_id where t.user_id = ? and e.event = 'DELIVERED'", Long.class, userId))
			.isEqualTo(tokens.size());

		// a second visit, and the same secret posted again: when it was claimed, whom to tell; no token
		HttpResponse<String> again = get(link.page());
		assertThat(again.statusCode()).isEqualTo(410);
		assertThat(again.body()).contains("These tokens were claimed already").contains(ClaimFixture.CONTACT)
			.doesNotContain("dbtu_");
		HttpResponse<String> reused = post(link.page(), form(link.code(), legacyKey, csrf));
		assertThat(reused.statusCode()).isEqualTo(410);
		assertThat(reused.body()).contains("claimed already").doesNotContain("dbtu_");

		// five wrong keys lock the link; the right key then gets nothing
		String amara = "amara.okafor@example.com";
		ClaimFixture.Link locked = fixture.lastLink(amara);
		String csrf2 = csrf(get(locked.page()).body());
		for (int i = 1; i <= 4; i++) {
			assertThat(post(locked.page(), form(locked.code(), "ak_wrong_key_number_" + i, csrf2)).statusCode())
				.isEqualTo(403);
		}
		HttpResponse<String> fifth = post(locked.page(), form(locked.code(), "ak_wrong_key_number_5", csrf2));
		assertThat(fifth.statusCode()).isEqualTo(423);
		assertThat(fifth.body()).contains("This link is locked");
		assertThat(post(locked.page(), form(locked.code(), fixture.legacyKeyByEmail.get(amara), csrf2)).statusCode())
			.isEqualTo(423);
		assertThat(get(locked.page()).statusCode()).isEqualTo(423);
		assertThat(claimState(locked)).isEqualTo("LOCKED|5");
		assertThat(fixture.deliver()).isZero();
		assertThat(fixture.out()).contains("1 locked)");
		// the operator reissues: a fresh link works, the old one is dead
		int before = greenMail.getReceivedMessages().length;
		assertThat(fixture.deliver("--reissue", String.valueOf(fixture.userByEmail.get(amara)))).as(fixture.err())
			.isZero();
		assertThat(fixture.out()).contains("keyshift: deliver --reissue: user 2001, notification "
				+ jdbc.queryForObject("select id from token_notification where user_id = 2001 and kind = 'TOKENS_ISSUED'",
						java.util.UUID.class)
				+ ": a new link goes out now; the old one no longer works");
		assertThat(greenMail.getReceivedMessages()).hasSize(before + 1);
		ClaimFixture.Link fresh = fixture.lastLink(amara);
		assertThat(fresh.code()).isNotEqualTo(locked.code());
		HttpResponse<String> replaced = get(locked.page());
		assertThat(replaced.statusCode()).isEqualTo(410);
		assertThat(replaced.body()).contains("This link was replaced");
		assertThat(post(locked.page(), form(locked.code(), fixture.legacyKeyByEmail.get(amara), csrf2)).statusCode())
			.isEqualTo(410);
		HttpResponse<String> freshShown = post(fresh.page(), form(fresh.code(), fixture.legacyKeyByEmail.get(amara),
				csrf(get(fresh.page()).body())));
		assertThat(freshShown.statusCode()).isEqualTo(200);
		assertThat(ClaimFixture.tokensIn(freshShown.body()).stream().distinct().toList()).hasSize(created.get(amara));

		// an expired link says so; --reissue-expired sends a fresh one
		String priya = "priya.raman@example.com";
		ClaimFixture.Link expired = fixture.lastLink(priya);
		jdbc.update("update token_claim set expires_at = ? where id = ?",
				java.time.OffsetDateTime.now().minusDays(1), java.util.UUID.fromString(expired.claimId()));
		HttpResponse<String> expiredPage = get(expired.page());
		assertThat(expiredPage.statusCode()).isEqualTo(410);
		assertThat(expiredPage.body()).contains("This link has expired");
		assertThat(post(expired.page(), form(expired.code(), fixture.legacyKeyByEmail.get(priya), csrf)).statusCode())
			.isEqualTo(410);
		assertThat(fixture.deliver("--reissue-expired")).as(fixture.err()).isZero();
		assertThat(fixture.out()).contains("keyshift: deliver --reissue-expired: 1 expired link is sent again, fresh");
		ClaimFixture.Link renewed = fixture.lastLink(priya);
		assertThat(renewed.claimId()).isNotEqualTo(expired.claimId());
		assertThat(post(renewed.page(), form(renewed.code(), fixture.legacyKeyByEmail.get(priya),
				csrf(get(renewed.page()).body()))).statusCode()).isEqualTo(200);

		// the key check waived by the operator: no key asked
		String waivedEmail = "jonas.berg@example.com";
		if (!created.containsKey(waivedEmail)) {
			waivedEmail = created.keySet().stream().filter(e -> !List.of(lucas, amara, priya).contains(e)).sorted()
				.findFirst().orElseThrow();
		}
		assertThat(fixture.deliver("--reissue", String.valueOf(fixture.userByEmail.get(waivedEmail)),
				"--waive-key-check")).as(fixture.err()).isZero();
		assertThat(fixture.out()).contains("(legacy key check waived by " + System.getProperty("user.name"));
		ClaimFixture.Link waived = fixture.lastLink(waivedEmail);
		HttpResponse<String> waivedPage = get(waived.page());
		assertThat(waivedPage.body()).contains("waived the legacy API key check").doesNotContain("legacy_key");
		HttpResponse<String> waivedShown = post(waived.page(), Map.of("code", waived.code(), "csrf",
				csrf(waivedPage.body())));
		assertThat(waivedShown.statusCode()).isEqualTo(200);
		assertThat(ClaimFixture.tokensIn(waivedShown.body())).isNotEmpty();

		// unknown links
		assertThat(get(fixture.base() + "/claim/00000000-0000-4000-8000-000000000000").statusCode()).isEqualTo(404);
		assertThat(get(fixture.base() + "/claim/not-a-uuid").statusCode()).isEqualTo(404);
		// the proxy's health check
		HttpResponse<String> health = get(fixture.base() + "/health");
		assertThat(health.statusCode()).isEqualTo(200);
		assertThat(health.body()).isEqualTo("ok\n");
		// too many attempts from one client in a minute: 2 x 40 + 1 posts reach the limit even when a
		// minute ends during the loop (the limiter's windows are wall-clock minutes)
		ClaimFixture.Link other = fixture.lastLink(created.keySet().stream()
			.filter(e -> !List.of(lucas, amara, priya).contains(e)).sorted().reduce((a, b) -> b).orElseThrow());
		int status = 0;
		for (int i = 0; i < 2 * 40 + 1 && status != 429; i++) {
			status = post(other.page(), Map.of("code", "x")).statusCode();
		}
		assertThat(status).isEqualTo(429);

		// the serve context started no batch job
		assertThat(jdbc.queryForObject("select count(*) from batch_job_execution", Long.class)).isEqualTo(1);
		// every refusal is one log line
		assertThat(output.getOut()).contains("claim refused: missing or wrong CSRF value")
			.contains("claim refused: the form could not be read")
			.contains("claim refused: wrong claim code").contains("claim refused: wrong legacy key, failure 1 of 5")
			.contains("the claim is locked until the operator reissues it").contains("claim refused: the link expired")
			.contains("claim refused: too many requests from this client");
		// no secret in any output of the run: tokens, legacy keys typed, claim codes, the delivery key
		String all = output.getAll() + fixture.out() + fixture.err();
		assertThat(ClaimFixture.tokensIn(all)).isEmpty();
		for (String secret : List.of(link.code(), locked.code(), fresh.code(), expired.code(), renewed.code(),
				waived.code(), legacyKey, fixture.legacyKeyByEmail.get(amara), fixture.legacyKeyByEmail.get(priya),
				java.nio.file.Files.readString(fixture.key).strip())) {
			assertThat(all).doesNotContain(secret);
		}
	}

	/** From the hand-derived expected report: how many tokens each user with CREATED rows gets. */
	private static Map<String, Integer> createdPerEmail() {
		Map<String, Integer> out = new LinkedHashMap<>();
		for (Map<String, String> row : Csv.read(Path.of("src/test/resources/sample-expected/report.csv"))) {
			if (row.get("outcome").equals("CREATED")) {
				out.merge(row.get("email").toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
			}
		}
		return out;
	}

	private String claimState(ClaimFixture.Link link) {
		return fixture.db.jdbc().queryForObject("select state || '|' || failures from token_claim where id = ?",
				String.class, java.util.UUID.fromString(link.claimId()));
	}

	private static void securityHeaders(HttpResponse<String> response) {
		assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
		assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("no-referrer");
		assertThat(response.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
			.contains("default-src 'none'").contains("script-src 'self'").contains("frame-ancestors 'none'")
			.contains("form-action 'self'").doesNotContain("unsafe-inline"));
		assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
		assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
	}

	private static Map<String, String> form(String code, String legacyKey, String csrf) {
		return Map.of("code", code, "legacy_key", legacyKey, "csrf", csrf);
	}

	private static String csrf(String page) {
		Matcher m = CSRF.matcher(page);
		return m.find() ? m.group(1) : "";
	}

	private HttpResponse<String> get(String url) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> post(String url, Map<String, String> fields) throws Exception {
		List<String> pairs = new ArrayList<>();
		fields.forEach((k, v) -> pairs.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "="
				+ URLEncoder.encode(v, StandardCharsets.UTF_8)));
		return http.send(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/x-www-form-urlencoded")
			.POST(HttpRequest.BodyPublishers.ofString(String.join("&", pairs)))
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private static String sha256(String s) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
	}
}
