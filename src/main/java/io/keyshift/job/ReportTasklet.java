package io.keyshift.job;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
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
import org.springframework.transaction.support.TransactionOperations;

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

	/** The job context key of the line a dry run ends with when a real run would stop at the valve. */
	public static final String WOULD_STOP = "valve.would.stop";

	private final ReportStore store;

	private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

	private final String reportDir;

	private final TransactionOperations ownTransaction;

	private final long runId;

	private final boolean dryRun;

	private final boolean revoke;

	private final String input;

	private final Clock clock;

	/**
	 * @param reportDir the directory the operator gave, or the one this run recorded earlier; blank
	 * for a new one named after the run ({@link #defaultDirectory})
	 * @param ownTransaction records the directory in a transaction of its own, so that it stays
	 * recorded when writing the report fails and a resumed run writes to the same place
	 */
	public ReportTasklet(ReportStore store, String reportDir, TransactionOperations ownTransaction, long runId,
			boolean dryRun, boolean revoke, String input, Clock clock) {
		this.store = store;
		this.reportDir = reportDir;
		this.ownTransaction = ownTransaction;
		this.runId = runId;
		this.dryRun = dryRun;
		this.revoke = revoke;
		this.input = input;
		this.clock = clock;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		Path directory = reportDir == null || reportDir.isBlank() ? defaultDirectory(runId, dryRun, clock)
				: Path.of(reportDir);
		ownTransaction.executeWithoutResult(status -> store.recordReportDir(runId, directory.toString()));
		ReportWriter writer = new ReportWriter(directory);
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
		if (dryRun && summary.tokens() != null && summary.tokens().overLimit()) {
			// the operator reads this last: the launcher repeats it after its own closing line
			String stop = summary.tokens().wouldStopLine();
			log.warn(stop);
			chunkContext.getStepContext().getStepExecution().getJobExecution().getExecutionContext()
				.putString(WOULD_STOP, stop);
		}
		return RepeatStatus.FINISHED;
	}

	/**
	 * {@code reports/run-<N>-<yyyyMMdd-HHmmss>} ({@code dry-run-...} for a rehearsal): a directory of
	 * its own for every run, so no run's report is ever written over another's.
	 */
	static Path defaultDirectory(long runId, boolean dryRun, Clock clock) {
		return Path.of("reports", (dryRun ? "dry-run-" : "run-") + runId + "-"
				+ LocalDateTime.ofInstant(clock.instant(), ZoneId.systemDefault()).format(STAMP));
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
		RunSummary.Tokens t = s.tokens();
		long updated = s.outcomes().stream()
			.filter(o -> o.outcome().equals("UPDATED") || o.outcome().equals("WOULD_UPDATE"))
			.mapToLong(RunSummary.OutcomeCount::rows).sum();
		long revokedTokens = s.outcomes().stream()
			.filter(o -> o.outcome().equals("REVOKED") || o.outcome().equals("WOULD_REVOKE"))
			.mapToLong(RunSummary.OutcomeCount::rows).sum();
		// only a run that found tokens of earlier runs has anything to say about them
		String earlier = t == null || t.activeInScope() + t.untouchedOutOfScope() == 0 ? null
				: String.format("earlier tokens: %,d %supdated, %,d %srevoked (limit %,d); %,d left as they are (their"
						+ " users are not in this export)", updated, would, revokedTokens, would, t.revocationLimit(),
						t.untouchedOutOfScope());
		List<String> lines = new java.util.ArrayList<>(List.of(
				String.format("input: %,d rows read, %,d rejected (see rejects.csv); %,d users in scope", s.rowsRead(),
						s.rowsRejected(), s.usersWithLegacyKey()),
				"decisions: " + (outcomes.isEmpty() ? "none" : outcomes),
				String.format("tokens minted: %,d; legacy keys %smigrated: %,d, %srevoked: %,d; notifications %squeued: %,d",
						s.tokensMinted(), would, s.keysMigrated(), would, s.keysRevoked(), would, notifications),
				String.format("timing: %s; users decided: %,d / %,d, %,.1f/s", steps.isEmpty() ? "unknown" : steps,
						progress.usersDone(), progress.usersTotal(), progress.usersPerSecond())));
		if (earlier != null) {
			lines.add(3, earlier);
		}
		return lines;
	}
}
