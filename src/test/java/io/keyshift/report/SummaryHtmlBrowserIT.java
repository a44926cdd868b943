package io.keyshift.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyshift.generate.ExportGenerator;
import io.keyshift.support.Csv;
import io.keyshift.support.TestDatabase;
import io.keyshift.token.TokenMinter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code summary.html} as an operator sees it: the real job runs on the sample export, then a real
 * browser (headless Chromium, {@code --dump-dom}) opens the page it wrote, and the assertions read
 * the DOM the browser built. The figures are checked against {@code summary.json}, {@code report.csv},
 * {@code rejects.csv} and the database, not against constants. Screenshots land in
 * {@code target/summary-html/} for a person to look at.
 */
@Tag("browser")
class SummaryHtmlBrowserIT {

	private static final Path SAMPLE = Path.of("sample-data");

	private static final Path SCREENSHOTS = Path.of("target", "summary-html");

	@TempDir
	Path tmp;

	private TestDatabase db;

	private Chromium chromium;

	@BeforeEach
	void findBrowser() {
		// first, so that a missing browser fails fast with its own message
		chromium = Chromium.find(tmp.resolve("chromium"));
	}

	@AfterEach
	void dropDatabase() {
		if (db != null) {
			db.close();
		}
	}

	@Test
	void showsARealRunsTotalsChartAccountsRejectsAndTimingWithNoSecret() throws IOException {
		db = TestDatabase.create(TestDatabase.Kind.H2, tmp);
		Path report = new JobRun(db, tmp).realRun(SAMPLE, "real");
		JsonNode json = JobRun.summaryJson(report);
		long runId = json.get("run_id").asLong();
		Map<String, Long> outcomes = tally(Csv.read(report.resolve(ReportFiles.REPORT_CSV)), "outcome");

		String dom = render(report, "real");

		assertThat(text(first(dom, "<h1>(.*?)</h1>"))).isEqualTo("keyshift run " + runId);
		assertThat(dom).doesNotContain("dry-run-notice").doesNotContain("DRY RUN");
		// the totals, as summary.json has them, and as the database and report.csv have them
		assertThat(card(dom, "users-in-scope")).isEqualTo(number(json.at("/users/with_legacy_key")));
		assertThat(card(dom, "users-decided")).isEqualTo(number(json.at("/progress/users_done")));
		assertThat(card(dom, "tokens-minted")).isEqualTo(number(json.at("/tokens_minted")))
			.isEqualTo(number(count("select count(*) from personal_access_token where run_id = ?", runId)))
			.isEqualTo(number(outcomes.get("CREATED")));
		assertThat(card(dom, "keys-migrated")).isEqualTo(number(json.at("/legacy_keys/migrated")))
			.isEqualTo(number(count("select count(*) from legacy_api_key where status = 'MIGRATED'", null)));
		assertThat(card(dom, "keys-revoked")).isEqualTo(number(json.at("/legacy_keys/revoked"))).isEqualTo("0");
		assertThat(card(dom, "notifications")).isEqualTo(number(sum(json.get("notifications"))))
			.isEqualTo(number(count("select count(*) from token_notification where run_id = ?", runId)));
		assertThat(card(dom, "quarantined")).isEqualTo(number(json.at("/outcomes_total/QUARANTINED")))
			.isEqualTo(number(outcomes.get("QUARANTINED")));
		assertThat(card(dom, "rows-read")).isEqualTo(number(json.at("/input/rows_read")));
		assertThat(card(dom, "rows-rejected")).isEqualTo(number(json.at("/input/rows_rejected")))
			.isEqualTo(number((long) Csv.read(report.resolve(ReportFiles.REJECTS_CSV)).size()));
		// the chart: an inline SVG with one bar per outcome that occurred, sized by report.csv
		assertThat(dom).containsPattern("<svg id=\"outcome-chart\"[^>]*>");
		assertThat(bars(dom)).isEqualTo(outcomes).containsKeys("CREATED", "SKIPPED", "QUARANTINED");
		// outcomes and reasons add up to the report's rows
		List<List<String>> reasons = rows(dom, "outcomes");
		assertThat(reasons.stream().mapToLong(r -> parse(r.get(2))).sum()).isEqualTo(outcomes.values()
			.stream()
			.mapToLong(Long::longValue)
			.sum());
		assertThat(reasons).allSatisfy(r -> assertThat(r.get(4)).as("meaning of %s", r).isNotBlank());
		// accounts with the most tokens, as summary.json ranks them
		List<String> top = new ArrayList<>();
		json.get("top_accounts").forEach(a -> top.add(a.get("account_id").asText() + "|" + a.get("account_name").asText()
				+ "|" + a.get("plan").asText() + "|" + number(a.get("tokens"))));
		assertThat(rows(dom, "top-accounts")).extracting(r -> String.join("|", r))
			.isNotEmpty()
			.containsExactlyElementsOf(top);
		assertThat(rows(dom, "top-accounts")).extracting(r -> r.get(1)).contains("Fabrikam \"Blue\" Analytics");
		// rejects by reason, adding up to rejects.csv
		assertThat(rows(dom, "rejects").stream().mapToLong(r -> parse(r.get(2))).sum())
			.isEqualTo(json.at("/input/rows_rejected").asLong());
		// run timing: every step, the users the migrate step read
		List<List<String>> steps = rows(dom, "steps");
		// the check step counts the revocations a real run would make before migrate writes (SPEC §3.2)
		assertThat(steps).extracting(r -> r.get(0)).containsExactly("load", "check", "migrate (8 partitions)", "report");
		assertThat(steps.get(2).get(5)).isEqualTo(number(json.at("/progress/users_done")));
		assertThat(steps).allSatisfy(r -> assertThat(r.get(3)).matches("\\d+ ms|\\d+\\.\\d s"));
		assertThat(steps.subList(0, 3)).allSatisfy(r -> assertThat(r.get(8)).isEqualTo("completed"));
		assertSelfContained(dom, report);
		assertNoSecret(dom, report, SAMPLE);
	}

	@Test
	void labelsADryRunAsARehearsalThatWroteNothingAndSeparatesThousands() throws IOException {
		db = TestDatabase.create(TestDatabase.Kind.H2, tmp);
		Path export = tmp.resolve("export");
		new ExportGenerator().generate(new ExportGenerator.Options(400, 11), export);
		Path report = new JobRun(db, tmp).dryRun(export, "dry");
		JsonNode json = JobRun.summaryJson(report);
		Map<String, Long> outcomes = tally(Csv.read(report.resolve(ReportFiles.REPORT_CSV)), "outcome");

		String dom = render(report, "dry");

		assertThat(text(first(dom, "<h1>(.*?)</h1>"))).isEqualTo("keyshift run " + json.get("run_id").asLong() + " DRY RUN");
		assertThat(text(first(dom, "<p class=\"notice\" id=\"dry-run-notice\">(.*?)</p>")))
			.startsWith("Rehearsal: nothing was written.");
		assertThat(text(first(dom, "<title>(.*?)</title>"))).contains("rehearsal, nothing was written");
		assertThat(card(dom, "would-be-tokens")).isEqualTo(number(json.at("/outcomes_total/WOULD_CREATE")))
			.isEqualTo(number(outcomes.get("WOULD_CREATE")))
			.isNotEqualTo("0");
		assertThat(dom).doesNotContain("id=\"total-tokens-minted\"");
		assertThat(bars(dom)).isEqualTo(outcomes).containsKey("WOULD_CREATE").doesNotContainKey("CREATED");
		assertThat(count("select count(*) from personal_access_token", null)).isZero();
		assertThat(count("select count(*) from token_notification", null)).isZero();
		// four-digit counts read with a thousands separator
		assertThat(json.at("/input/rows_read").asLong()).isGreaterThan(1_000);
		assertThat(card(dom, "rows-read")).matches("\\d{1,3}(,\\d{3})+").isEqualTo(number(json.at("/input/rows_read")));
		assertThat(rows(dom, "input-files")).extracting(r -> r.get(1))
			.contains(number(json.at("/input/files/0/rows_read")));
		assertSelfContained(dom, report);
		assertNoSecret(dom, report, export);
	}

	@Test
	void showsHostileAccountNamesAsTheTextTheyHoldWithInvisibleCharactersSpelledOut() throws IOException {
		db = TestDatabase.create(TestDatabase.Kind.H2, tmp);
		// names the reader lets through (no control or bidi override): markup, a formula, invisible marks
		Path input = tmp.resolve("hostile-export");
		Files.createDirectories(input);
		Files.writeString(input.resolve("accounts.csv"), "account_id,account_name,plan,state\n"
				+ "1,<script>alert(1)</script> & Co,team,active\n" + "2,Zero\u200Bwidth \u200Fmark,enterprise,active\n"
				+ "3,=SUM(1;2),team,active\n");
		Files.writeString(input.resolve("legacy_api_keys.csv"), "key_id,user_id,email,api_key,created_at,last_used_at\n"
				+ "10,7,paul@example.com,ak_paul_0123456789abcdef,2026-11-09T12:00:00Z,\n");
		Files.writeString(input.resolve("account_memberships.csv"),
				"user_id,account_id,license_type,permission_set,project_id\n7,1,developer,admin,\n"
						+ "7,2,developer,admin,\n7,3,developer,admin,\n");
		Path report = new JobRun(db, tmp).realRun(input, "hostile");

		String dom = render(report, "hostile");

		assertThat(rows(dom, "top-accounts")).extracting(r -> r.get(1))
			.containsExactlyInAnyOrder("<script>alert(1)</script> & Co", "Zero\\u200Bwidth \\u200Fmark", "=SUM(1;2)");
		assertThat(dom).doesNotContain("\u200B").doesNotContain("\u200F");
		assertSelfContained(dom, report); // no <script> element: the name is text
		assertThat(Csv.project(Csv.read(report.resolve(ReportFiles.REPORT_CSV)), "account_id", "account_name"))
			.containsExactly("1|<script>alert(1)</script> & Co", "2|Zero\\u200Bwidth \\u200Fmark", "3|'=SUM(1;2)");
	}

	private String render(Path report, String name) throws IOException {
		Path page = report.resolve(ReportFiles.SUMMARY_HTML);
		assertThat(page).isRegularFile();
		String dom = chromium.dumpDom(page);
		Files.createDirectories(SCREENSHOTS);
		Files.writeString(SCREENSHOTS.resolve(name + ".dom.html"), dom);
		chromium.screenshot(page, SCREENSHOTS.resolve(name + ".png"));
		assertThat(Files.size(SCREENSHOTS.resolve(name + ".png"))).isGreaterThan(10_000);
		return dom;
	}

	/** Nothing is fetched: no script, no stylesheet, image or font from anywhere, no web address. */
	private static void assertSelfContained(String dom, Path report) throws IOException {
		for (String text : List.of(dom, Files.readString(report.resolve(ReportFiles.SUMMARY_HTML)))) {
			assertThat(text.toLowerCase(Locale.ROOT)).doesNotContain("<script")
				.doesNotContain("<link")
				.doesNotContain("<img")
				.doesNotContain("<iframe")
				.doesNotContain("src=")
				.doesNotContain("href=")
				.doesNotContain("@import")
				.doesNotContain("url(")
				.doesNotContain("http://")
				.doesNotContain("https://");
		}
	}

	/** No token and no legacy key, in the file or in what the browser made of it. */
	private static void assertNoSecret(String dom, Path report, Path input) throws IOException {
		List<String> keys = new ArrayList<>();
		for (Map<String, String> row : Csv.read(input.resolve("legacy_api_keys.csv"))) {
			String key = row.get("api_key");
			if (key != null && key.length() >= 8) {
				keys.add(key);
			}
		}
		assertThat(keys).hasSizeGreaterThan(30);
		for (String text : List.of(dom, Files.readString(report.resolve(ReportFiles.SUMMARY_HTML)))) {
			assertThat(text).doesNotContain(TokenMinter.PREFIX);
			for (String key : keys) {
				assertThat(text).doesNotContain(key);
			}
		}
	}

	private long count(String sql, Long runId) {
		Long n = runId == null ? db.jdbc().queryForObject(sql, Long.class)
				: db.jdbc().queryForObject(sql, Long.class, runId);
		return n == null ? 0 : n;
	}

	private static Map<String, Long> tally(List<Map<String, String>> rows, String column) {
		Map<String, Long> counts = new LinkedHashMap<>();
		rows.forEach(row -> counts.merge(row.get(column), 1L, Long::sum));
		return counts;
	}

	private static long sum(JsonNode object) {
		long total = 0;
		for (JsonNode value : object) {
			total += value.asLong();
		}
		return total;
	}

	private static String number(JsonNode value) {
		assertThat(value.isIntegralNumber()).as("a count in summary.json: %s", value).isTrue();
		return number(value.asLong());
	}

	private static String number(Long value) {
		return String.format(Locale.ROOT, "%,d", value == null ? 0 : value);
	}

	private static long parse(String number) {
		return Long.parseLong(number.replace(",", ""));
	}

	/** The value shown on a totals card. */
	private static String card(String dom, String id) {
		return text(first(dom, "id=\"total-" + Pattern.quote(id) + "\"><span class=\"value\">(.*?)</span>"));
	}

	/** The chart's bars: outcome to rows, checking each bar's label says what its data says. */
	private static Map<String, Long> bars(String dom) {
		String chart = first(dom, "(<svg id=\"outcome-chart\".*?</svg>)");
		Map<String, Long> bars = new LinkedHashMap<>();
		Matcher bar = Pattern.compile("<g class=\"bar\" data-outcome=\"([^\"]*)\" data-rows=\"(\\d+)\">(.*?)</g>",
				Pattern.DOTALL)
			.matcher(chart);
		while (bar.find()) {
			long rows = Long.parseLong(bar.group(2));
			assertThat(bar.group(3)).contains("<rect ");
			assertThat(text(first(bar.group(3), "<text class=\"bar-count\"[^>]*>(.*?)<tspan")))
				.isEqualTo(number(rows));
			assertThat(bars.put(text(bar.group(1)), rows)).as("one bar per outcome").isNull();
		}
		return bars;
	}

	/** The text of each cell of each body row of a table. */
	private static List<List<String>> rows(String dom, String tableId) {
		String body = first(dom, "<table id=\"" + Pattern.quote(tableId) + "\">.*?<tbody>(.*?)</tbody>");
		List<List<String>> rows = new ArrayList<>();
		Matcher row = Pattern.compile("<tr[^>]*>(.*?)</tr>", Pattern.DOTALL).matcher(body);
		while (row.find()) {
			List<String> cells = new ArrayList<>();
			Matcher cell = Pattern.compile("<td[^>]*>(.*?)</td>", Pattern.DOTALL).matcher(row.group(1));
			while (cell.find()) {
				cells.add(text(cell.group(1)));
			}
			rows.add(cells);
		}
		return rows;
	}

	private static String first(String text, String regex) {
		Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(text);
		assertThat(m.find()).as("/%s/ in the rendered page", regex).isTrue();
		return m.group(1);
	}

	/** Markup to the text a reader sees: tags dropped, the entities a serialiser writes decoded. */
	private static String text(String markup) {
		return markup.replaceAll("<[^>]*>", "")
			.replace("&nbsp;", " ")
			.replace("&lt;", "<")
			.replace("&gt;", ">")
			.replace("&quot;", "\"")
			.replace("&#39;", "'")
			.replace("&amp;", "&")
			.replaceAll("\\s+", " ")
			.strip();
	}
}
