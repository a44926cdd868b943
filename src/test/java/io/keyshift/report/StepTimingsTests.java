package io.keyshift.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StepTimingsTests {

	private static final Instant T0 = Instant.parse("2026-11-09T12:00:00Z");

	private static final Instant NOW = T0.plusSeconds(600);

	@Test
	void timesEachStepOfAPlainRunInTheOrderTheyStarted() {
		List<RunSummary.StepTiming> steps = StepTimings.of(List.of(
				execution("migrate", 1, 10, 40, "COMPLETED", 36, 36),
				execution("load", 1, 0, 8, "COMPLETED", 0, 0),
				execution("register-keys", 1, 8, 10, "COMPLETED", 0, 0)), NOW);

		assertThat(steps).extracting(RunSummary.StepTiming::step).containsExactly("load", "register-keys", "migrate");
		RunSummary.StepTiming migrate = steps.get(2);
		assertThat(migrate.time()).isEqualTo(Duration.ofSeconds(30));
		assertThat(migrate.startedAt()).isEqualTo(T0.plusSeconds(10));
		assertThat(migrate.finishedAt()).isEqualTo(T0.plusSeconds(40));
		assertThat(migrate.executions()).isOne();
		assertThat(migrate.partitions()).isZero();
		assertThat(migrate.itemsRead()).isEqualTo(36);
		assertThat(migrate.itemsWritten()).isEqualTo(36);
		assertThat(migrate.status()).isEqualTo("COMPLETED");
	}

	@Test
	void addsUpTheAttemptsOfAResumedStepLeavingOutThePauseBetweenThem() {
		List<RunSummary.StepTiming> steps = StepTimings.of(List.of(
				execution("migrate", 1, 10, 40, "FAILED", 20, 20),
				// resumed five minutes later, where the first attempt left off
				execution("migrate", 2, 340, 360, "COMPLETED", 16, 16)), NOW);

		RunSummary.StepTiming migrate = steps.get(0);
		assertThat(migrate.executions()).isEqualTo(2);
		assertThat(migrate.time()).isEqualTo(Duration.ofSeconds(50));
		assertThat(migrate.startedAt()).isEqualTo(T0.plusSeconds(10));
		assertThat(migrate.finishedAt()).isEqualTo(T0.plusSeconds(360));
		assertThat(migrate.itemsRead()).isEqualTo(36);
		assertThat(migrate.status()).isEqualTo("COMPLETED");
	}

	@Test
	void foldsPartitionsIntoTheirStepTakingTheWallTimeAndTheWorkersCounts() {
		List<RunSummary.StepTiming> steps = StepTimings.of(List.of(
				execution("migrate", 1, 10, 41, "COMPLETED", 36, 36),
				execution("migrate:partition0", 1, 11, 30, "COMPLETED", 12, 12),
				execution("migrate:partition1", 1, 11, 40, "COMPLETED", 12, 12),
				execution("migrate:partition2", 1, 12, 35, "COMPLETED", 12, 11)), NOW);

		assertThat(steps).hasSize(1);
		RunSummary.StepTiming migrate = steps.get(0);
		assertThat(migrate.step()).isEqualTo("migrate");
		assertThat(migrate.partitions()).isEqualTo(3);
		assertThat(migrate.executions()).isOne();
		// side by side: from the manager's start to the last end, not the sum of the workers
		assertThat(migrate.time()).isEqualTo(Duration.ofSeconds(31));
		// the manager's counts are the workers' aggregate: counted once
		assertThat(migrate.itemsRead()).isEqualTo(36);
		assertThat(migrate.itemsWritten()).isEqualTo(35);
		assertThat(migrate.status()).isEqualTo("COMPLETED");
	}

	@Test
	void timesAResumedPartitionedStepPerAttempt() {
		List<RunSummary.StepTiming> steps = StepTimings.of(List.of(
				execution("migrate", 1, 10, 20, "FAILED", 10, 10),
				execution("migrate:partition0", 1, 10, 20, "COMPLETED", 6, 6),
				execution("migrate:partition1", 1, 10, 18, "FAILED", 4, 4),
				execution("migrate", 2, 100, 105, "COMPLETED", 8, 8),
				execution("migrate:partition1", 2, 100, 105, "COMPLETED", 8, 8)), NOW);

		RunSummary.StepTiming migrate = steps.get(0);
		assertThat(migrate.executions()).isEqualTo(2);
		assertThat(migrate.partitions()).isEqualTo(2);
		assertThat(migrate.time()).isEqualTo(Duration.ofSeconds(15));
		assertThat(migrate.itemsRead()).isEqualTo(18);
		assertThat(migrate.status()).isEqualTo("COMPLETED");
	}

	@Test
	void endsTheStepStillRunningNowAndADeadOneWhenItLastSavedItsProgress() {
		List<RunSummary.StepTiming> steps = StepTimings.of(List.of(
				new StepTimings.Execution("migrate", 1, T0.plusSeconds(10), null, T0.plusSeconds(25), "FAILED", 5, 5, 0),
				execution("migrate", 2, 100, 130, "COMPLETED", 31, 31),
				new StepTimings.Execution("report", 2, T0.plusSeconds(130), null, T0.plusSeconds(130), "STARTED", 0, 0,
						0)),
				NOW);

		assertThat(steps.get(0).time()).isEqualTo(Duration.ofSeconds(15 + 30));
		assertThat(steps.get(1).finishedAt()).isEqualTo(NOW);
		assertThat(steps.get(1).time()).isEqualTo(Duration.ofSeconds(470));
		// the report step is the one writing this report: not STARTED, which reads as a step that never ended
		assertThat(steps.get(1).status()).isEqualTo("WRITING_THIS_REPORT");
		assertThat(steps.get(0).status()).isEqualTo("COMPLETED");
	}

	@Test
	void ignoresAnExecutionThatNeverStarted() {
		List<RunSummary.StepTiming> steps = StepTimings.of(
				List.of(new StepTimings.Execution("load", 1, null, null, null, "STARTING", 0, 0, 0)), NOW);

		assertThat(steps).isEmpty();
	}

	private static StepTimings.Execution execution(String name, long attempt, long from, long to, String status,
			long read, long written) {
		return new StepTimings.Execution(name, attempt, T0.plusSeconds(from), T0.plusSeconds(to), T0.plusSeconds(to),
				status, read, written, 0);
	}
}
