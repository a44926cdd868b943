package io.keyshift.status;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StatusTextTests {

	private static final LocalDateTime T = LocalDateTime.of(2026, 11, 30, 17, 2, 25);

	private static String print(RunStatus run, long pendingAfterFailure) {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		StatusText.print(new DatabaseStatus(List.of(run), Map.of("PENDING", 12_345L), pendingAfterFailure),
				new PrintStream(out, true, StandardCharsets.UTF_8));
		return out.toString(StandardCharsets.UTF_8);
	}

	private static RunStatus running(boolean dryRun, String reportDir, RunStatus.Progress progress) {
		return new RunStatus(3, dryRun, false, "/exports/x", "ab", T, null, "STARTED", 1, List.of(), reportDir,
				899_903L, Map.of(), progress);
	}

	@Test
	void aPausedRunSaysSoWithItsFileAndNoRate() {
		RunStatus run = running(false, "/r/3", new RunStatus.Progress("migrate", 28_000, 899_903L, null, null, T,
				T.plusSeconds(1), "/var/run/keyshift.pause"));
		assertThat(print(run, 0)).contains("run 3  real  RUNNING, PAUSED  attempts 1")
			.contains("  progress: step migrate, users decided 28,000 / 899,903 (3%), paused since 2026-11-30 17:02:26"
					+ " (remove /var/run/keyshift.pause to resume), last progress at 2026-11-30 17:02:25")
			.doesNotContain("/s");
	}

	@Test
	void aWorkingRunGivesItsRateAndEtaAsTheProgressLinesDo() {
		RunStatus run = running(false, "/r/3", new RunStatus.Progress("migrate", 528_951, 899_903L, 17_617.0, 440L,
				T, null, null));
		assertThat(print(run, 1_200)).contains("run 3  real  RUNNING  attempts 1")
			.contains("users decided 528,951 / 899,903 (58%), 17,617.0/s, ETA 7m20s, last progress at")
			.contains("notifications: PENDING 12,345 (1,200 pending after a failed attempt)");
	}

	@Test
	void saysWhereTheReportGoesBeforeItsStepHasChosenIt() {
		assertThat(print(running(false, null, null), 0))
			.contains("  report not written yet; it goes to reports/run-3-<time of its report step>, in the directory"
					+ " migrate runs in");
		assertThat(print(running(true, null, null), 0)).contains("  report not written yet; it goes to reports/dry-run-3-");
		assertThat(print(running(true, "reports/dry-run-3-20261130-170225", null), 0))
			.contains("  report reports/dry-run-3-20261130-170225\n");
	}
}
