package io.keyshift.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

import io.keyshift.report.RunSummary;
import io.keyshift.report.StepTimings;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads back what a run decided and rejected, and its figures: the report is built from the
 * database, so it covers the whole run whatever happened to the process that ran it.
 */
public class ReportStore {

	private final JdbcTemplate jdbc;

	public ReportStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** The report directory recorded for the run, or null (none yet, or a run this database does not know). */
	public String reportDir(long runId) {
		List<String> dirs = jdbc.queryForList("select report_dir from run_record where run_id = ?", String.class, runId);
		return dirs.isEmpty() ? null : dirs.get(0);
	}

	/** Records where the run's report goes, so that a resumed run writes to the same directory. */
	public void recordReportDir(long runId, String reportDir) {
		jdbc.update("update run_record set report_dir = ? where run_id = ?", reportDir, runId);
	}

	/** A report row: the columns of {@code report.csv}, in order. */
	public interface RowConsumer {

		void accept(String[] row);
	}

	public void forEachDecision(long runId, RowConsumer consumer) {
		jdbc.query("""
				select user_id, email, account_id, account_name, outcome, reason, token_id, token_hint, permissions,
				       notes, previous_permissions
				from migration_decision where run_id = ? order by user_id, seq""", rs -> {
			consumer.accept(new String[] { rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
					rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9),
					rs.getString(10), rs.getString(11) });
		}, runId);
	}

	/** The rejected membership rows of the run that name no readable user. */
	public UnattributedRows unattributed(long runId) {
		return UnattributedRows.of(jdbc, runId);
	}

	/** A rejects row: file, line, reason, record. */
	public void forEachReject(long runId, RowConsumer consumer) {
		jdbc.query("select file, line, reason, record from input_reject where run_id = ? order by file, line",
				rs -> {
					consumer.accept(new String[] { rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4) });
				}, runId);
	}

	/**
	 * The run's figures, as of {@code finishedAt}.
	 * @param runId the run (job instance id)
	 * @param dryRun whether it is a rehearsal
	 * @param revoke whether migrated keys are revoked
	 * @param input the input directory as given
	 * @param finishedAt now: the end of the run as far as the report is concerned
	 * @param progressStep the name of the step that decides users, whose time gives the users' rate
	 * @return the figures
	 */
	public RunSummary summary(long runId, boolean dryRun, boolean revoke, String input, Instant finishedAt,
			String progressStep) {
		Instant startedAt = jdbc.query("""
				select min(start_time) from batch_job_execution where job_instance_id = ?""", rs -> {
			rs.next();
			Instant first = batchTime(rs, 1);
			return first == null ? finishedAt : first;
		}, runId);
		List<RunSummary.FileCount> files = jdbc.query("""
				select f.file, f.rows_read, f.rows_deduplicated,
				       (select count(*) from input_reject r where r.run_id = f.run_id and r.file = f.file)
				from input_file f where f.run_id = ? order by f.file""",
				(rs, i) -> new RunSummary.FileCount(rs.getString(1), rs.getLong(2), rs.getLong(4), rs.getLong(3)),
				runId);
		long[] scope = jdbc.query("""
				select coalesce(max(users_in_scope), 0), coalesce(max(users_out_of_scope), 0)
				from run_record where run_id = ?""", rs -> {
			rs.next();
			return new long[] { rs.getLong(1), rs.getLong(2) };
		}, runId);
		long users = scope[0];
		long outOfScope = scope[1];
		DecisionCounts counts = decisionCounts(runId);
		List<RunSummary.OutcomeCount> outcomes = counts.outcomes();
		List<RunSummary.PlanCount> plans = counts.plans();
		long minted = counts.rows(g -> g.outcome.equals("CREATED"));
		long migrated = counts.rows(g -> g.firstRow && g.keyChanged && g.keyStatus.equals("MIGRATED"));
		long revoked = counts.rows(g -> g.firstRow && g.keyChanged && g.keyStatus.equals("REVOKED"));
		List<RunSummary.KindCount> notifications = counts.notifications();
		List<RunSummary.AccountCount> top = jdbc.query("""
				select account_id, account_name, plan, count(*) n from migration_decision
				where run_id = ? and outcome in ('CREATED', 'WOULD_CREATE')
				group by account_id, account_name, plan
				order by n desc, account_id
				fetch first 10 rows only""",
				(rs, i) -> new RunSummary.AccountCount(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getLong(4)),
				runId);
		List<RunSummary.RejectCount> rejects = jdbc.query("""
				select file, category, count(*) n from input_reject where run_id = ?
				group by file, category order by n desc, file, category""",
				(rs, i) -> new RunSummary.RejectCount(rs.getString(1), rs.getString(2), rs.getLong(3)), runId);
		long decided = counts.rows(g -> g.firstRow);
		List<RunSummary.StepTiming> steps = StepTimings.of(stepExecutions(runId), finishedAt);
		Duration deciding = steps.stream()
			.filter(step -> step.step().equals(progressStep))
			.map(RunSummary.StepTiming::time)
			.findFirst()
			.orElse(Duration.ZERO);
		return new RunSummary(runId, dryRun, revoke, input, startedAt, finishedAt, files, users, outOfScope,
				outcomes, plans, minted, migrated, revoked, notifications, top, rejects,
				new RunSummary.UserProgress(decided, users, deciding), steps, tokens(runId));
	}

	/** The valve's figures the check step recorded; null when it did not run. */
	private RunSummary.Tokens tokens(long runId) {
		List<RunSummary.Tokens> tokens = jdbc.query("""
				select active_tokens_in_scope, tokens_out_of_scope, revocations_planned, revocation_limit
				from run_record where run_id = ? and revocation_limit is not null""",
				(rs, i) -> new RunSummary.Tokens(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)), runId);
		return tokens.isEmpty() ? null : tokens.get(0);
	}

	/**
	 * The decisions counted once by everything the summary splits them by: one pass over the run's
	 * decisions (over a million rows in a big run) instead of one per figure. Few groups come back.
	 */
	private DecisionCounts decisionCounts(long runId) {
		List<DecisionGroup> groups = jdbc.query("""
				select outcome, reason,
				       case when account_id is null then 'none' when plan is null then 'unknown' else plan end,
				       case when seq = 0 then 1 else 0 end, key_changed, key_status, notification, count(*)
				from migration_decision where run_id = ?
				group by outcome, reason,
				         case when account_id is null then 'none' when plan is null then 'unknown' else plan end,
				         case when seq = 0 then 1 else 0 end, key_changed, key_status, notification""",
				(rs, i) -> new DecisionGroup(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4) == 1,
						rs.getBoolean(5), rs.getString(6), rs.getString(7), rs.getLong(8)),
				runId);
		return new DecisionCounts(groups);
	}

	/** Decisions alike in every way the summary counts them by. */
	private record DecisionGroup(String outcome, String reason, String plan, boolean firstRow, boolean keyChanged,
			String keyStatus, String notification, long rows) {
	}

	private record DecisionCounts(List<DecisionGroup> groups) {

		private static final Comparator<String> TEXT = Comparator.nullsFirst(Comparator.naturalOrder());

		long rows(Predicate<DecisionGroup> which) {
			return groups.stream().filter(which).mapToLong(DecisionGroup::rows).sum();
		}

		List<RunSummary.OutcomeCount> outcomes() {
			Map<List<String>, Long> byOutcome = sum(g -> Arrays.asList(g.outcome, g.reason), g -> true);
			return byOutcome.entrySet()
				.stream()
				.map(e -> new RunSummary.OutcomeCount(e.getKey().get(0), e.getKey().get(1), e.getValue()))
				.sorted(Comparator.comparing(RunSummary.OutcomeCount::outcome)
					.thenComparing(RunSummary.OutcomeCount::reason, TEXT))
				.toList();
		}

		List<RunSummary.PlanCount> plans() {
			Map<List<String>, Long> byPlan = sum(g -> Arrays.asList(g.plan, g.outcome), g -> true);
			return byPlan.entrySet()
				.stream()
				.map(e -> new RunSummary.PlanCount(e.getKey().get(0), e.getKey().get(1), e.getValue()))
				.sorted(Comparator.comparing(RunSummary.PlanCount::plan).thenComparing(RunSummary.PlanCount::outcome))
				.toList();
		}

		List<RunSummary.KindCount> notifications() {
			Map<List<String>, Long> byKind = sum(g -> Arrays.asList(g.notification),
					g -> g.firstRow && g.notification != null);
			return byKind.entrySet()
				.stream()
				.map(e -> new RunSummary.KindCount(e.getKey().get(0), e.getValue()))
				.sorted(Comparator.comparing(RunSummary.KindCount::kind))
				.toList();
		}

		private Map<List<String>, Long> sum(Function<DecisionGroup, List<String>> key, Predicate<DecisionGroup> which) {
			Map<List<String>, Long> sums = new HashMap<>();
			groups.stream().filter(which).forEach(g -> sums.merge(key.apply(g), g.rows, Long::sum));
			return sums;
		}
	}

	/** Every step execution of every attempt of the run, from Spring Batch's own tables. */
	List<StepTimings.Execution> stepExecutions(long runId) {
		return jdbc.query("""
				select s.step_name, s.job_execution_id, s.start_time, s.end_time, s.last_updated, s.status,
				       s.read_count, s.write_count, s.filter_count
				from batch_step_execution s
				join batch_job_execution e on e.job_execution_id = s.job_execution_id
				where e.job_instance_id = ?
				order by s.step_execution_id""",
				(rs, i) -> new StepTimings.Execution(rs.getString(1), rs.getLong(2), batchTime(rs, 3), batchTime(rs, 4),
						batchTime(rs, 5), rs.getString(6), rs.getLong(7), rs.getLong(8), rs.getLong(9)),
				runId);
	}

	/** Spring Batch keeps local date-times, written in this JVM's zone. */
	private static Instant batchTime(ResultSet rs, int column) throws SQLException {
		java.sql.Timestamp ts = rs.getTimestamp(column);
		return ts == null ? null : ts.toLocalDateTime().atZone(ZoneId.systemDefault()).toInstant();
	}

	/** Deletes a finished run's staging rows; decisions and rejects stay for the record. */
	public void dropStaging(long runId, boolean dropDecisions) {
		StagingTables.drop(jdbc, runId);
		List<String> tables = new ArrayList<>();
		if (dropDecisions) {
			tables.add("migration_decision");
			tables.add("input_reject");
			tables.add("input_file");
			tables.add("run_record");
		}
		for (String table : tables) {
			jdbc.update("delete from " + table + " where run_id = ?", runId);
		}
	}

	static Instant instant(ResultSet rs, int column) throws SQLException {
		java.sql.Timestamp ts = rs.getTimestamp(column);
		return ts == null ? null : ts.toInstant();
	}
}
