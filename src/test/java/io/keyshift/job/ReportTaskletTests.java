package io.keyshift.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

import io.keyshift.report.RunSummary;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReportTaskletTests {

	private static final Instant T0 = Instant.parse("2026-11-09T12:00:00Z");

	private Locale locale;

	@BeforeEach
	void englishNumbers() {
		locale = Locale.getDefault();
		Locale.setDefault(Locale.ROOT);
	}

	@AfterEach
	void restoreLocale() {
		Locale.setDefault(locale);
	}

	@Test
	void headlinesTheCountsThenEachStepsTimeAndTheUsersRate() {
		RunSummary s = new RunSummary(3, false, false, "/in", T0, T0.plusSeconds(14), List.of(
				new RunSummary.FileCount("legacy_api_keys.csv", 2_500, 12, 0)), 2_400, 7,
				List.of(new RunSummary.OutcomeCount("CREATED", null, 3_000),
						new RunSummary.OutcomeCount("SKIPPED", "ACCOUNT_INACTIVE", 40)),
				List.of(), 3_000, 2_400, 0, List.of(new RunSummary.KindCount("TOKENS_ISSUED", 2_390)), List.of(),
				List.of(), new RunSummary.UserProgress(2_400, 2_400, Duration.ofSeconds(12)),
				List.of(new RunSummary.StepTiming("load", 1, 0, T0, T0.plusSeconds(2), Duration.ofMillis(1_500), 0, 0, 0,
						"COMPLETED"),
						new RunSummary.StepTiming("migrate", 1, 0, T0.plusSeconds(2), T0.plusSeconds(14),
								Duration.ofSeconds(12), 2_400, 2_400, 0, "COMPLETED")));

		assertThat(ReportTasklet.headline(s)).containsExactly(
				"input: 2,500 rows read, 12 rejected (see rejects.csv); 2,400 users in scope",
				"decisions: CREATED 3,000, SKIPPED 40",
				"tokens minted: 3,000; legacy keys migrated: 2,400, revoked: 0; notifications queued: 2,390",
				"timing: load 1.5 s, migrate 12.0 s; users decided: 2,400 / 2,400, 200.0/s");
	}
}
