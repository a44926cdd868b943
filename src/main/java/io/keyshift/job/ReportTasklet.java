package io.keyshift.job;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.keyshift.report.ReportWriter;
import io.keyshift.report.RunSummary;
import io.keyshift.store.ReportStore;
import io.keyshift.store.UnattributedRows;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Writes the report directory from what the database holds, then drops the run's staging rows (and,
 * for a dry run, its decisions: a rehearsal leaves only its report behind).
 */
public class ReportTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(ReportTasklet.class);

	/**
	 * The step that decides users (the name {@link MigrationJobConfiguration} gives it; a partitioned
	 * step's workers are {@code migrate:partitionN}): its time gives the users' rate in the summary.
	 */
	static final String MIGRATE_STEP = "migrate";

	private final ReportStore store;

	private final ReportWriter writer;

	private final long runId;

	private final boolean dryRun;

	private final boolean revoke;

	private final String input;

	private final Clock clock;

	public ReportTasklet(ReportStore store, ReportWriter writer, long runId, boolean dryRun, boolean revoke,
			String input, Clock clock) {
		this.store = store;
		this.writer = writer;
		this.runId = runId;
		this.dryRun = dryRun;
		this.revoke = revoke;
		this.input = input;
		this.clock = clock;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		writer.writeReport(row -> store.forEachDecision(runId, row::accept));
		writer.writeRejects(row -> store.forEachReject(runId, row::accept));
		RunSummary summary = store.summary(runId, dryRun, revoke, input, Instant.now(clock), MIGRATE_STEP);
		UnattributedRows unattributed = store.unattributed(runId); // before a dry run's rejects are dropped
		writer.writeSummary(summary);
		store.dropStaging(runId, dryRun);
		chunkContext.getStepContext().getStepExecution().getJobExecution().getExecutionContext()
			.putString("report.dir", writer.directory().toString());
		headline(summary).forEach(log::info);
		if (unattributed.any()) {
			log.warn("input: {}; {}", unattributed.describe(), dryRun
					? "a real run would stop here: fix the rows, or run it with --accept-unattributed-rows"
					: "accepted (--accept-unattributed-rows)");
		}
		log.info("report: {}", writer.directory());
		return RepeatStatus.FINISHED;
	}

	/** The few lines an operator reads at the end of a run; the rest is in the report directory. */
	static List<String> headline(RunSummary s) {
		Map<String, Long> byOutcome = new TreeMap<>();
		s.outcomes().forEach(o -> byOutcome.merge(o.outcome(), o.rows(), Long::sum));
		String outcomes = byOutcome.entrySet().stream().map(e -> String.format("%s %,d", e.getKey(), e.getValue()))
			.collect(Collectors.joining(", "));
		long notifications = s.notifications().stream().mapToLong(RunSummary.KindCount::count).sum();
		String would = s.dryRun() ? "would be " : "";
		String steps = s.steps().stream()
			.map(t -> String.format("%s %.1f s", t.step(), t.time().toMillis() / 1000.0))
			.collect(Collectors.joining(", "));
		RunSummary.UserProgress progress = s.progress();
		return List.of(
				String.format("input: %,d rows read, %,d rejected (see rejects.csv); %,d users in scope", s.rowsRead(),
						s.rowsRejected(), s.usersWithLegacyKey()),
				"decisions: " + (outcomes.isEmpty() ? "none" : outcomes),
				String.format("tokens minted: %,d; legacy keys %smigrated: %,d, %srevoked: %,d; notifications %squeued: %,d",
						s.tokensMinted(), would, s.keysMigrated(), would, s.keysRevoked(), would, notifications),
				String.format("timing: %s; users decided: %,d / %,d, %,.1f/s", steps.isEmpty() ? "unknown" : steps,
						progress.usersDone(), progress.usersTotal(), progress.usersPerSecond()));
	}
}
