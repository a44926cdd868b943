package io.keyshift.report;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SummaryJsonTests {

	// strict: a duplicate key or a raw control character in a string fails the parse
	private static final ObjectMapper STRICT = new ObjectMapper()
		.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

	@Test
	void writesTheRunFiguresUnderTheirKeys() throws Exception {
		JsonNode json = STRICT.readTree(SummaryJson.render(Summaries.real()));

		assertThat(json.get("run_id").asLong()).isEqualTo(42);
		assertThat(json.get("dry_run").isBoolean()).isTrue();
		assertThat(json.get("dry_run").asBoolean()).isFalse();
		assertThat(json.get("revoke_legacy_keys").asBoolean()).isTrue();
		assertThat(json.get("started_at").asText()).isEqualTo("2026-11-09T12:00:00Z");
		assertThat(json.get("finished_at").asText()).isEqualTo("2026-11-09T12:00:12.500Z");
		assertThat(json.get("duration_seconds").decimalValue()).isEqualByComparingTo("12.5");
		assertThat(json.at("/input/directory").asText()).isEqualTo("/srv/export");
		assertThat(json.at("/input/files")).hasSize(3);
		assertThat(json.at("/input/files/1/file").asText()).isEqualTo("account_memberships.csv");
		assertThat(json.at("/input/files/1/rows_deduplicated").asLong()).isEqualTo(2);
		assertThat(json.at("/input/rows_read").asLong()).isEqualTo(1000);
		assertThat(json.at("/input/rows_rejected").asLong()).isEqualTo(4);
		assertThat(json.at("/users/with_legacy_key").asLong()).isEqualTo(19);
		assertThat(json.at("/users/without_legacy_key_out_of_scope").asLong()).isEqualTo(4);
		assertThat(json.get("tokens_minted").asLong()).isEqualTo(10);
		assertThat(json.at("/legacy_keys/migrated").asLong()).isEqualTo(15);
		assertThat(json.at("/legacy_keys/revoked").asLong()).isEqualTo(15);
		assertThat(json.at("/plans/3/plan").asText()).isEqualTo("team");
		assertThat(json.at("/plans/3/outcome").asText()).isEqualTo("SKIPPED");
		assertThat(json.at("/plans/3/rows").asLong()).isEqualTo(7);
		assertThat(json.at("/top_accounts/0/account_id").asLong()).isEqualTo(1001);
		assertThat(json.at("/top_accounts/0/tokens").asLong()).isEqualTo(6);
		assertThat(json.at("/rejects/0/category").asText()).isEqualTo("unknown permission set");
		assertThat(json.at("/rejects/0/rows").asLong()).isEqualTo(3);
	}

	@Test
	void isPrettyPrintedOneMemberALine() {
		String json = SummaryJson.render(Summaries.real());

		assertThat(json).contains("{\n  \"run_id\": 42,\n  \"dry_run\": false,\n");
		assertThat(json).contains("\n  \"tokens_minted\": 10,\n");
		assertThat(json).endsWith("}\n");
	}

	@Test
	void listsOutcomesInRuleOrderWithANullReasonWhenThereIsNone() throws Exception {
		JsonNode outcomes = STRICT.readTree(SummaryJson.render(Summaries.real())).get("outcomes");

		List<String> order = new ArrayList<>();
		outcomes.forEach(o -> order.add(o.get("outcome").asText() + "/" + o.get("reason").asText()));
		assertThat(order).containsExactly("CREATED/null", "SKIPPED/ACCOUNT_INACTIVE", "SKIPPED/NO_DEVELOPER_LICENSE",
				"QUARANTINED/INVALID_GRANT");
		assertThat(outcomes.get(0).get("reason").isNull()).isTrue();
		assertThat(outcomes.get(2).get("rows").asLong()).isEqualTo(3);
	}

	@Test
	void totalsEveryOutcomeAndNotificationKindIncludingAbsentOnes() throws Exception {
		JsonNode json = STRICT.readTree(SummaryJson.render(Summaries.real()));

		assertThat(json.get("outcomes_total").toString())
			.isEqualTo("{\"CREATED\":10,\"WOULD_CREATE\":0,\"ALREADY_MIGRATED\":0,\"UPDATED\":0,\"WOULD_UPDATE\":0,\"REVOKED\":0,\"WOULD_REVOKE\":0,\"SKIPPED\":7,\"QUARANTINED\":2}");
		assertThat(json.get("notifications").toString()).isEqualTo("{\"TOKENS_ISSUED\":8,\"NO_TOKEN_ISSUED\":0,\"TOKENS_CHANGED\":0}");
	}

	@Test
	void roundsRatesToOneDecimal() throws Exception {
		String text = SummaryJson.render(Summaries.real());
		JsonNode rates = STRICT.readTree(text).get("rates");

		// 1,000 rows in 12.5 s
		assertThat(rates.get("rows_per_second").decimalValue()).isEqualByComparingTo("80.0");
		assertThat(text).contains("\"rows_per_second\": 80.0\n  },");
	}

	@Test
	void givesUsersPerSecondOnceOverTheMigrateStep() throws Exception {
		String text = SummaryJson.render(Summaries.real());

		// 19 users: 2.0/s over the 9.5 s migrate step; the whole run's 1.5/s is no longer given beside it
		assertThat(text.split("\"users_per_second\"", -1)).hasSize(2);
		assertThat(STRICT.readTree(text).get("rates").has("users_per_second")).isFalse();
		assertThat(STRICT.readTree(text).get("progress").get("users_per_second").decimalValue())
			.isEqualByComparingTo("2.0");
	}

	@Test
	void writesTheProgressFiguresTheJobPrintsAsOfTheEnd() throws Exception {
		JsonNode progress = STRICT.readTree(SummaryJson.render(Summaries.real())).get("progress");

		// 19 users decided in the 9.5 s of the migrate step
		assertThat(progress.get("users_done").asLong()).isEqualTo(19);
		assertThat(progress.get("users_total").asLong()).isEqualTo(19);
		assertThat(progress.get("users_per_second").decimalValue()).isEqualByComparingTo("2.0");
		assertThat(progress.get("eta_seconds").asLong()).isZero();
		assertThat(progress.get("eta_seconds").isIntegralNumber()).isTrue();
	}

	@Test
	void givesAnEtaAtTheRateSoFarWhileUsersAreLeftAndNullWithoutARate() throws Exception {
		RunSummary base = Summaries.empty();
		RunSummary partial = withProgress(base, new RunSummary.UserProgress(100, 300, Duration.ofSeconds(50)));
		RunSummary unstarted = withProgress(base, new RunSummary.UserProgress(0, 300, Duration.ZERO));

		JsonNode half = STRICT.readTree(SummaryJson.render(partial)).get("progress");
		JsonNode none = STRICT.readTree(SummaryJson.render(unstarted)).get("progress");

		assertThat(half.get("users_per_second").decimalValue()).isEqualByComparingTo("2.0");
		assertThat(half.get("eta_seconds").asLong()).isEqualTo(100);
		assertThat(none.get("eta_seconds").isNull()).isTrue();
		assertThat(none.get("users_per_second").decimalValue()).isEqualByComparingTo("0.0");
	}

	@Test
	void listsEveryStepWithItsTimeAndCounts() throws Exception {
		JsonNode steps = STRICT.readTree(SummaryJson.render(Summaries.real())).get("steps");

		List<String> names = new ArrayList<>();
		steps.forEach(step -> names.add(step.get("step").asText()));
		assertThat(names).containsExactly("load", "register-keys", "migrate", "report");
		JsonNode migrate = steps.get(2);
		assertThat(migrate.get("executions").asInt()).isEqualTo(1);
		assertThat(migrate.get("partitions").asInt()).isZero();
		assertThat(migrate.get("started_at").asText()).isEqualTo("2026-11-09T12:00:02.500Z");
		assertThat(migrate.get("finished_at").asText()).isEqualTo("2026-11-09T12:00:12Z");
		assertThat(migrate.get("duration_seconds").decimalValue()).isEqualByComparingTo("9.5");
		assertThat(migrate.get("items_read").asLong()).isEqualTo(19);
		assertThat(migrate.get("items_written").asLong()).isEqualTo(19);
		assertThat(migrate.get("items_filtered").asLong()).isZero();
		assertThat(migrate.get("status").asText()).isEqualTo("COMPLETED");
		assertThat(steps.get(3).get("status").asText()).isEqualTo("STARTED");
	}

	@Test
	void writesTimesToTheMillisecond() throws Exception {
		RunSummary base = Summaries.empty();
		RunSummary precise = new RunSummary(1, false, false, "/in", Summaries.STARTED.plusNanos(123_456_789),
				Summaries.STARTED.plusSeconds(1), List.of(), 0, 0, List.of(), List.of(), 0, 0, 0, List.of(), List.of(),
				List.of(), base.progress(), List.of());

		assertThat(STRICT.readTree(SummaryJson.render(precise)).get("started_at").asText())
			.isEqualTo("2026-11-09T12:00:00.123Z");
	}

	private static RunSummary withProgress(RunSummary s, RunSummary.UserProgress progress) {
		return new RunSummary(s.runId(), s.dryRun(), s.revokeLegacyKeys(), s.input(), s.startedAt(), s.finishedAt(),
				s.inputFiles(), progress.usersTotal(), s.usersWithoutLegacyKey(), s.outcomes(), s.plans(),
				s.tokensMinted(), s.keysMigrated(), s.keysRevoked(), s.notifications(), s.topAccounts(), s.rejects(),
				progress, s.steps());
	}

	@Test
	void reportsZeroDurationAndRatesForARunTooShortToMeasure() throws Exception {
		String text = SummaryJson.render(Summaries.empty());
		JsonNode json = STRICT.readTree(text);

		assertThat(text).contains("\"duration_seconds\": 0.0,");
		assertThat(text).contains("\"rows_per_second\": 0.0\n");
		assertThat(json.get("outcomes")).isEmpty();
		assertThat(text).contains("\"outcomes\": [],").contains("\"files\": [],");
	}

	@Test
	void escapesQuotesBackslashesAndLineBreaksInUserData() throws Exception {
		String name = "Evil \"Corp\" \\ Ltd\nline2\r\t\u0001\u2028\u2029";
		String path = "C:\\exports\\\"in\"";

		String text = SummaryJson.render(Summaries.real(name, path));

		assertThat(text).contains(
				"\"account_name\": \"Evil \\\"Corp\\\" \\\\ Ltd\\nline2\\r\\t\\u0001\\u2028\\u2029\",");
		assertThat(text).contains("\"directory\": \"C:\\\\exports\\\\\\\"in\\\"\",");
		assertThat(text).doesNotContain("\u2028").doesNotContain("\u0001").doesNotContain("line2\r");
		assertThat(Structure.balanced(text)).isTrue();
		JsonNode json = STRICT.readTree(text);
		assertThat(json.at("/top_accounts/0/account_name").asText()).isEqualTo(name);
		assertThat(json.at("/input/directory").asText()).isEqualTo(path);
	}

	@Test
	void escapesALoneSurrogateThatUtf8CannotCarry() throws Exception {
		String text = SummaryJson.render(Summaries.real("broken \uD800 name", "/in"));

		assertThat(text).contains("\"broken \\ud800 name\"");
		assertThat(STRICT.readTree(text).at("/top_accounts/0/account_name").asText()).isEqualTo("broken \uD800 name");
	}

	/** A check independent of any JSON library: brackets balance outside strings, no raw control char in one. */
	static final class Structure {

		static boolean balanced(String json) {
			StringBuilder open = new StringBuilder();
			boolean inString = false;
			for (int i = 0; i < json.length(); i++) {
				char c = json.charAt(i);
				if (inString) {
					if (c == '\\') {
						i++;
					}
					else if (c == '"') {
						inString = false;
					}
					else if (c < 0x20) {
						return false;
					}
				}
				else if (c == '"') {
					inString = true;
				}
				else if (c == '{' || c == '[') {
					open.append(c);
				}
				else if (c == '}' || c == ']') {
					if (open.isEmpty() || open.charAt(open.length() - 1) != (c == '}' ? '{' : '[')) {
						return false;
					}
					open.setLength(open.length() - 1);
				}
			}
			return !inString && open.isEmpty();
		}
	}

	@Test
	void showsWhatHappenedToEarlierTokensAndTheSafetyValve() throws Exception {
		RunSummary s = Summaries.real();
		RunSummary later = new RunSummary(s.runId(), false, false, s.input(), s.startedAt(), s.finishedAt(),
				s.inputFiles(), s.usersWithLegacyKey(), s.usersWithoutLegacyKey(),
				List.of(new RunSummary.OutcomeCount("ALREADY_MIGRATED", null, 9),
						new RunSummary.OutcomeCount("REVOKED", "ACCOUNT_INACTIVE", 3),
						new RunSummary.OutcomeCount("REVOKED", "MEMBERSHIP_REMOVED", 2),
						new RunSummary.OutcomeCount("UPDATED", null, 2)),
				s.plans(), 0, 0, 0, s.notifications(), s.topAccounts(), s.rejects(), s.progress(), s.steps(),
				new RunSummary.Tokens(20, 1, 5, 10));

		JsonNode earlier = STRICT.readTree(SummaryJson.render(later)).get("earlier_tokens");

		assertThat(earlier.toString()).isEqualTo("{\"active_in_scope\":20,\"updated\":2,\"revoked\":"
				+ "{\"ACCOUNT_INACTIVE\":3,\"MEMBERSHIP_REMOVED\":2},\"untouched_out_of_scope\":1,"
				+ "\"revocation_valve\":{\"revocations\":5,\"limit\":10,\"over_limit\":false}}");
		assertThat(SummaryHtml.render(later)).contains("id=\"total-tokens-updated\"", "id=\"total-tokens-revoked\"",
				"ACCOUNT_INACTIVE 3 · MEMBERSHIP_REMOVED 2 · limit 10 (--max-revocations)", "id=\"total-tokens-untouched\"");
	}
}
