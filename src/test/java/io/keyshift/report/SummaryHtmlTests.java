package io.keyshift.report;

import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SummaryHtmlTests {

	@Test
	void loadsNothingFromOutsideThePage() {
		String html = SummaryHtml.render(Summaries.real());

		assertThat(html).startsWith("<!DOCTYPE html>");
		assertThat(html.toLowerCase()).doesNotContain("http://")
			.doesNotContain("https://")
			.doesNotContain("<script")
			.doesNotContain("<link")
			.doesNotContain("<img")
			.doesNotContain("src=")
			.doesNotContain("@import")
			.doesNotContain("url(");
		assertThat(html).contains("<style>").contains("default-src 'none'");
	}

	@Test
	void escapesMarkupInAccountNamesAndPaths() throws Exception {
		String html = SummaryHtml.render(Summaries.real("<script>alert(1)</script>", "/in/\"x\" & 'y' <z>"));

		assertThat(html).doesNotContain("<script>alert(1)</script>");
		assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;");
		assertThat(html).contains("/in/&quot;x&quot; &amp; &#39;y&#39; &lt;z&gt;");
		Document page = parse(html);
		assertThat(text(page, "//table[@id='top-accounts']/tbody/tr[1]/td[2]")).isEqualTo("<script>alert(1)</script>");
		assertThat(text(page, "//header/p/code")).isEqualTo("/in/\"x\" & 'y' <z>");
	}

	@Test
	void escapesAttributeValuesBuiltFromData() throws Exception {
		RunSummary hostile = new RunSummary(3, false, false, "/in", Summaries.STARTED, Summaries.STARTED.plusSeconds(1),
				List.of(), 1, 0, List.of(new RunSummary.OutcomeCount("X\" onmouseover=\"alert(1)", null, 1)),
				List.of(new RunSummary.PlanCount("p\"><b>", "X", 1)), 0, 0, 0, List.of(), List.of(), List.of(), null, null);

		String html = SummaryHtml.render(hostile);

		assertThat(html).doesNotContain("\" onmouseover=\"").doesNotContain("\"><b>");
		Document page = parse(html);
		assertThat(bars(page)).containsExactly("X\" onmouseover=\"alert(1)=1");
	}

	@Test
	void drawsOneBarPerOutcomePresentWithItsTotalAcrossReasons() throws Exception {
		Document page = parse(SummaryHtml.render(Summaries.real()));

		assertThat(bars(page)).containsExactly("CREATED=10", "SKIPPED=7", "QUARANTINED=2");
		assertThat(text(page, "//*[@id='outcome-chart']/*[local-name()='title']")).isNotBlank();
		assertThat(text(page, "//*[@id='outcome-chart']/*[local-name()='desc']")).contains("SKIPPED: 7");
		assertThat(text(page, "//*[@data-outcome='SKIPPED']/*[@class='bar-label']")).isEqualTo("SKIPPED");
	}

	@Test
	void scalesBarsToTheLargestAndColoursThemPerOutcome() throws Exception {
		Document page = parse(SummaryHtml.render(Summaries.real()));

		double created = Double.parseDouble(attribute(page, "//*[@data-outcome='CREATED']/*[local-name()='rect']", "width"));
		double quarantined = Double
			.parseDouble(attribute(page, "//*[@data-outcome='QUARANTINED']/*[local-name()='rect']", "width"));
		assertThat(quarantined / created).isCloseTo(0.2, within(0.01));
		assertThat(attribute(page, "//*[@data-outcome='CREATED']/*[local-name()='rect']", "fill")).isEqualTo("#2f9e44");
		assertThat(attribute(page, "//*[@data-outcome='SKIPPED']/*[local-name()='rect']", "fill")).isEqualTo("#868e96");
		assertThat(attribute(page, "//*[@data-outcome='QUARANTINED']/*[local-name()='rect']", "fill"))
			.isEqualTo("#e8590c");
	}

	@Test
	void badgesDryRunsAndOnlyDryRuns() throws Exception {
		String dry = SummaryHtml.render(Summaries.dry());
		String real = SummaryHtml.render(Summaries.real());

		assertThat(text(parse(dry), "//h1")).isEqualTo("keyshift run 7 DRY RUN");
		assertThat(dry).contains("id=\"dry-run-badge\"");
		assertThat(text(parse(real), "//h1")).isEqualTo("keyshift run 42");
		assertThat(real).doesNotContain("DRY RUN").doesNotContain("dry-run-badge");
	}

	@Test
	void showsWouldBeTokensInADryRunAndMintedTokensInARealOne() throws Exception {
		Document dry = parse(SummaryHtml.render(Summaries.dry()));
		Document real = parse(SummaryHtml.render(Summaries.real()));

		assertThat(text(dry, "//*[@id='total-would-be-tokens']/*[@class='value']")).isEqualTo("9");
		assertThat(text(dry, "//*[@id='total-tokens-minted']")).isEmpty();
		assertThat(text(real, "//*[@id='total-tokens-minted']/*[@class='value']")).isEqualTo("10");
		assertThat(text(real, "//*[@id='total-would-be-tokens']")).isEmpty();
	}

	@Test
	void headlinesTheRunTotals() throws Exception {
		Document page = parse(SummaryHtml.render(Summaries.real()));

		assertThat(value(page, "users-in-scope")).isEqualTo("19");
		assertThat(value(page, "keys-migrated")).isEqualTo("15");
		assertThat(value(page, "keys-revoked")).isEqualTo("15");
		assertThat(value(page, "notifications")).isEqualTo("8");
		assertThat(value(page, "quarantined")).isEqualTo("2");
		assertThat(value(page, "rows-read")).isEqualTo("1,000");
		assertThat(value(page, "rows-rejected")).isEqualTo("4");
		assertThat(value(page, "duration")).isEqualTo("12.5 s");
		assertThat(text(page, "//*[@id='total-duration']/*[@class='sub']")).isEqualTo("80.0 input rows per second");
		assertThat(value(page, "users-decided")).isEqualTo("19");
		assertThat(text(page, "//*[@id='total-users-decided']/*[@class='sub']"))
			.isEqualTo("of 19 (100.0%) · 2.0 users/s · all done");
	}

	@Test
	void tablesOutcomesPlansAccountsRejectsAndFiles() throws Exception {
		Document page = parse(SummaryHtml.render(Summaries.real()));

		assertThat(rows(page, "outcomes")).containsExactly("CREATED|—|10|52.6%|a token was minted in this run",
				"SKIPPED|ACCOUNT_INACTIVE|4|21.1%|the account is locked or deleted",
				"SKIPPED|NO_DEVELOPER_LICENSE|3|15.8%|the user has no developer license in this account",
				"QUARANTINED|INVALID_GRANT|2|10.5%|a membership row of this user and account was rejected");
		assertThat(rows(page, "plans")).containsExactly("team|4|7|·|11", "enterprise|6|·|·|6", "none|·|·|2|2");
		assertThat(rows(page, "top-accounts")).containsExactly("1001|Northwind Traders|enterprise|6",
				"1002|Contoso Data, Ltd.|team|4");
		assertThat(rows(page, "rejects")).containsExactly("account_memberships.csv|unknown permission set|3",
				"accounts.csv|duplicate account_id|1");
		assertThat(rows(page, "input-files")).containsExactly("accounts.csv|100|1|0", "account_memberships.csv|700|3|2",
				"legacy_api_keys.csv|200|0|0");
	}

	@Test
	void showsATinyButNonZeroShareAsUnderOneTenthOfAPercent() throws Exception {
		RunSummary s = new RunSummary(5, false, false, "/in", Summaries.STARTED, Summaries.STARTED.plusSeconds(1),
				List.of(), 1, 0, List.of(new RunSummary.OutcomeCount("CREATED", null, 9_999),
						new RunSummary.OutcomeCount("QUARANTINED", "INVALID_GRANT", 1)),
				List.of(), 9_999, 0, 0, List.of(), List.of(), List.of(), null, null);

		Document page = parse(SummaryHtml.render(s));

		assertThat(rows(page, "outcomes")).containsExactly("CREATED|—|9,999|100.0%|a token was minted in this run",
				"QUARANTINED|INVALID_GRANT|1|<0.1%|a membership row of this user and account was rejected");
	}

	@Test
	void saysSoWhenARunHasNothingToShow() throws Exception {
		Document page = parse(SummaryHtml.render(Summaries.empty()));

		assertThat(bars(page)).isEmpty();
		assertThat(text(page, "//*[@id='outcome-chart']")).isEqualTo("No report rows in this run.");
		assertThat(text(page, "//*[@id='rejects']")).isEqualTo("No input row was rejected.");
		assertThat(value(page, "duration")).isEqualTo("0 ms");
		assertThat(text(page, "//*[@id='steps']")).isEqualTo("No step timing was recorded.");
		assertThat(value(page, "users-decided")).isEqualTo("0");
	}

	@Test
	void labelsADryRunAsARehearsalThatWroteNothing() throws Exception {
		Document dry = parse(SummaryHtml.render(Summaries.dry()));
		Document real = parse(SummaryHtml.render(Summaries.real()));

		assertThat(text(dry, "//*[@id='dry-run-notice']")).startsWith("Rehearsal: nothing was written.");
		assertThat(text(dry, "//title")).contains("rehearsal, nothing was written");
		assertThat(text(real, "//*[@id='dry-run-notice']")).isEmpty();
		assertThat(text(real, "//title")).isEqualTo("keyshift run 42");
	}

	@Test
	void tablesEachStepWithItsTimeCountsAndShareOfTheStepsTime() throws Exception {
		Document page = parse(SummaryHtml.render(Summaries.real()));

		// 2 + 0.5 + 9.5 + 0.5 = 12.5 s of steps
		assertThat(rows(page, "steps")).containsExactly("load|12:00:00|12:00:02|2.0 s| 16%|0|0|1|completed",
				"register-keys|12:00:02|12:00:02|500 ms| 4%|0|0|1|completed",
				"migrate|12:00:02|12:00:12|9.5 s| 76%|19|19|1|completed",
				"report|12:00:12|12:00:12|500 ms| 4%|0|0|1|in progress");
		assertThat(attribute(page, "//tr[@data-step='migrate']//*[@class='meter']/*", "style")).isEqualTo("width:76%");
		assertThat(attribute(page, "//tr[@data-step='load']//*[@class='meter']/*", "style")).isEqualTo("width:16%");
		assertThat(text(page, "//table[@id='steps']/following-sibling::p[1]")).contains("writing this report");
	}

	@Test
	void showsHowManyAttemptsAndPartitionsAStepTook() throws Exception {
		RunSummary.StepTiming migrate = new RunSummary.StepTiming("migrate", 2, 4, Summaries.STARTED,
				Summaries.STARTED.plusSeconds(3_600 * 25), Duration.ofSeconds(125), 1_234_567, 1_234_000, 0, "COMPLETED");
		RunSummary base = Summaries.real();
		RunSummary resumed = new RunSummary(base.runId(), false, true, base.input(), base.startedAt(),
				Summaries.STARTED.plusSeconds(3_600 * 25), base.inputFiles(), base.usersWithLegacyKey(),
				base.usersWithoutLegacyKey(), base.outcomes(), base.plans(), base.tokensMinted(), base.keysMigrated(),
				base.keysRevoked(), base.notifications(), base.topAccounts(), base.rejects(),
				new RunSummary.UserProgress(1_234_567, 1_234_567, Duration.ofSeconds(125)), List.of(migrate));

		Document page = parse(SummaryHtml.render(resumed));

		assertThat(rows(page, "steps")).containsExactly(
				"migrate (4 partitions)|12:00:00|2026-11-10 13:00:00|2 min 05 s| 100%|1,234,567|1,234,000|2|completed");
		assertThat(text(page, "//table[@id='steps']/preceding-sibling::p[1]")).contains("over 2 attempts");
		assertThat(value(page, "users-decided")).isEqualTo("1,234,567");
		assertThat(text(page, "//*[@id='total-users-decided']/*[@class='sub']"))
			.isEqualTo("of 1,234,567 (100.0%) · 9,876.5 users/s · all done");
	}

	@Test
	void showsProgressWithAnEtaWhenUsersAreLeft() throws Exception {
		RunSummary base = Summaries.real();
		RunSummary partial = new RunSummary(base.runId(), false, true, base.input(), base.startedAt(),
				base.finishedAt(), base.inputFiles(), 300, 0, base.outcomes(), base.plans(), 0, 0, 0, List.of(),
				List.of(), List.of(), new RunSummary.UserProgress(100, 300, Duration.ofSeconds(50)), List.of());

		Document page = parse(SummaryHtml.render(partial));

		assertThat(text(page, "//*[@id='total-users-decided']/*[@class='sub']"))
			.isEqualTo("of 300 (33.3%) · 2.0 users/s · ETA 1 min 40 s");
		assertThat(attribute(page, "//*[@id='total-users-decided']", "class")).isEqualTo("card warn");
	}

	private static Document parse(String html) throws Exception {
		DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
		factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", false);
		return factory.newDocumentBuilder().parse(new InputSource(new StringReader(html)));
	}

	private static List<String> bars(Document page) throws Exception {
		NodeList nodes = (NodeList) XPathFactory.newInstance()
			.newXPath()
			.evaluate("//*[@id='outcome-chart']/*[local-name()='g' and @class='bar']", page, XPathConstants.NODESET);
		List<String> bars = new ArrayList<>();
		for (int i = 0; i < nodes.getLength(); i++) {
			Element bar = (Element) nodes.item(i);
			String count = XPathFactory.newInstance().newXPath().evaluate("*[@class='bar-count']/text()", bar);
			assertThat(count).isEqualTo(String.format(Locale.ROOT, "%,d", Long.parseLong(bar.getAttribute("data-rows"))));
			bars.add(bar.getAttribute("data-outcome") + "=" + count);
		}
		return bars;
	}

	private static List<String> rows(Document page, String tableId) throws Exception {
		NodeList nodes = (NodeList) XPathFactory.newInstance()
			.newXPath()
			.evaluate("//table[@id='" + tableId + "']/tbody/tr", page, XPathConstants.NODESET);
		List<String> rows = new ArrayList<>();
		for (int i = 0; i < nodes.getLength(); i++) {
			NodeList cells = ((Element) nodes.item(i)).getElementsByTagName("td");
			List<String> texts = new ArrayList<>();
			for (int j = 0; j < cells.getLength(); j++) {
				texts.add(cells.item(j).getTextContent());
			}
			rows.add(String.join("|", texts));
		}
		return rows;
	}

	private static String value(Document page, String total) throws Exception {
		return text(page, "//*[@id='totals']/*[@id='total-" + total + "']/*[@class='value']");
	}

	private static String text(Document page, String xpath) throws Exception {
		return XPathFactory.newInstance().newXPath().evaluate(xpath, page);
	}

	private static String attribute(Document page, String xpath, String name) throws Exception {
		return ((Element) XPathFactory.newInstance().newXPath().evaluate(xpath, page, XPathConstants.NODE))
			.getAttribute(name);
	}
}
