package io.keyshift.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.keyshift.status.DatabaseStatus;
import io.keyshift.status.RunStatus;

import org.springframework.batch.core.repository.dao.DefaultExecutionContextSerializer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reads what {@code keyshift status} shows: selects only, so it is safe beside a run that is going
 * (PostgreSQL). Runs are Spring Batch job instances of the migration job, attempts its executions;
 * the live progress comes from the partition step executions' committed read counts.
 */
public class StatusStore {

	/** The parameters a run records (RunParameters' names; the store does not depend on the job). */
	private static final String INPUT = "input";

	private static final String INPUT_DIGEST = "input.digest";

	private static final String DRY_RUN = "dry.run";

	private static final String REVOKE = "revoke.legacy.keys";

	private static final String ACTOR = "actor";

	private static final String PAUSE_FILE = "pause.file";

	/** The key under which the report step keeps the directory it wrote to, in the job's context. */
	private static final String REPORT_DIR = "report.dir";

	private static final Set<String> RUNNING = Set.of("STARTING", "STARTED", "STOPPING");

	private final JdbcTemplate jdbc;

	private final String jobName;

	public StatusStore(JdbcTemplate jdbc, String jobName) {
		this.jdbc = jdbc;
		this.jobName = jobName;
	}

	public DatabaseStatus read() {
		runLockHeld = runLockHeld();
		pausesRecorded = jdbc.queryForObject("""
				select count(*) from information_schema.columns
				where lower(table_name) = 'run_record' and lower(column_name) = 'paused_since'""", Long.class) > 0;
		List<RunStatus> runs = new ArrayList<>();
		for (Long runId : jdbc.queryForList(
				"select job_instance_id from batch_job_instance where job_name = ? order by job_instance_id",
				Long.class, jobName)) {
			RunStatus run = run(runId);
			if (run != null) {
				runs.add(run);
			}
		}
		Map<String, Long> notifications = new TreeMap<>();
		jdbc.query("select status, count(*) from token_notification group by status",
				rs -> {
					notifications.put(rs.getString(1), rs.getLong(2));
				});
		long pendingAfterFailure = jdbc.queryForObject(
				"select count(*) from token_notification where status = 'PENDING' and attempts > 0", Long.class);
		return new DatabaseStatus(runs, notifications, pendingAfterFailure);
	}

	/**
	 * Whether the database records pauses (V13): status runs no Flyway, so a database a release before
	 * it made has not got them until the next migrate.
	 */
	private boolean pausesRecorded;

	/** Whether a keyshift process holds the run lock now (read once per status). */
	private boolean runLockHeld;

	/**
	 * Whether another process holds the run lock: on PostgreSQL its advisory lock is in
	 * {@code pg_locks} (a select, taking nothing); the embedded H2 database could not have been opened
	 * here while another process held it, so there no run is going.
	 */
	private boolean runLockHeld() {
		if (Dialect.of(jdbc) != Dialect.POSTGRESQL) {
			return false;
		}
		return jdbc.queryForObject("""
				select count(*) from pg_locks
				where locktype = 'advisory' and granted and classid::bigint = ? and objid::bigint = ? and objsubid = 1
				  and database = (select oid from pg_database where datname = current_database())""", Long.class,
				RunLock.KEY >>> 32, RunLock.KEY & 0xffffffffL) > 0;
	}

	private record Execution(long id, LocalDateTime start, LocalDateTime end, String status) {
	}

	private RunStatus run(long runId) {
		List<Execution> executions = jdbc.query("""
				select job_execution_id, start_time, end_time, status from batch_job_execution
				where job_instance_id = ? order by job_execution_id""",
				(rs, i) -> new Execution(rs.getLong(1), time(rs, 2), time(rs, 3), rs.getString(4)), runId);
		if (executions.isEmpty()) {
			return null;
		}
		Execution first = executions.get(0);
		Execution last = executions.get(executions.size() - 1);
		Map<String, String> parameters = new LinkedHashMap<>();
		Set<String> actors = new LinkedHashSet<>();
		jdbc.query("""
				select p.parameter_name, p.parameter_value from batch_job_execution_params p
				join batch_job_execution e on e.job_execution_id = p.job_execution_id
				where e.job_instance_id = ? order by p.job_execution_id""", rs -> {
			String name = rs.getString(1);
			String value = rs.getString(2);
			if (name.equals(ACTOR)) {
				if (value != null && !value.isBlank()) {
					actors.add(value);
				}
			}
			else {
				parameters.put(name, value);
			}
		}, runId);
		if (actors.isEmpty()) {
			// runs of a release that did not record who started them: who changed their tokens
			actors.addAll(jdbc.queryForList("select distinct actor from token_event where run_id = ? order by actor",
					String.class, runId));
		}
		LocalDateTime started = executions.stream()
			.map(Execution::start)
			.filter(t -> t != null)
			.findFirst()
			.orElse(null);
		Long[] inScope = { null };
		String[] recordedDir = { null };
		LocalDateTime[] pausedSince = { null };
		long[] pausedMillis = { 0 };
		jdbc.query("select users_in_scope, report_dir, "
				+ (pausesRecorded ? "paused_since, paused_millis" : "null, 0") + " from run_record where run_id = ?",
				rs -> {
					long users = rs.getLong(1);
					inScope[0] = rs.wasNull() ? null : users;
					recordedDir[0] = rs.getString(2);
					pausedSince[0] = time(rs, 3);
					pausedMillis[0] = rs.getLong(4);
				}, runId);
		String reportDir = recordedDir[0];
		if (reportDir == null) {
			String given = parameters.get(REPORT_DIR);
			reportDir = given == null || given.isBlank() ? null : given;
		}
		if (reportDir == null) {
			// a completed dry run keeps no run_record row: its report step left the directory in the context
			reportDir = contextReportDir(last.id());
		}
		Map<String, Long> outcomes = new TreeMap<>();
		jdbc.query("select outcome, count(*) from migration_decision where run_id = ? group by outcome", rs -> {
			outcomes.put(rs.getString(1), rs.getLong(2));
		}, runId);
		// a run left STARTED by a process that is gone (kill -9) holds no lock: not running, no progress
		boolean running = RUNNING.contains(last.status()) && last.end() == null && runLockHeld;
		return new RunStatus(runId, Boolean.parseBoolean(parameters.get(DRY_RUN)),
				Boolean.parseBoolean(parameters.get(REVOKE)), parameters.get(INPUT), parameters.get(INPUT_DIGEST),
				started, last.end(), last.status(), executions.size(), new ArrayList<>(actors), reportDir, inScope[0],
				outcomes, running ? progress(runId, last.id(), inScope[0], pausedSince[0], pausedMillis[0],
						parameters.get(PAUSE_FILE)) : null);
	}

	/** The report directory an attempt's report step recorded in the job's execution context, or null. */
	private String contextReportDir(long executionId) {
		List<String> contexts = jdbc.query(
				"select coalesce(serialized_context, short_context) from batch_job_execution_context"
						+ " where job_execution_id = ?",
				(rs, i) -> rs.getString(1), executionId);
		if (contexts.isEmpty() || contexts.get(0) == null) {
			return null;
		}
		try {
			// as Spring Batch's JdbcExecutionContextDao reads it, with its default serializer
			Map<String, Object> context = new DefaultExecutionContextSerializer()
				.deserialize(new ByteArrayInputStream(contexts.get(0).getBytes(StandardCharsets.ISO_8859_1)));
			return context.get(REPORT_DIR) instanceof String dir && !dir.isBlank() ? dir : null;
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/**
	 * The progress of a run that is going: the users decided over all its attempts (the committed
	 * read counts of its migrate partitions), and this attempt's rate, between the start of its first
	 * partition and the last progress any of them recorded less the time it was paused (all the run's
	 * own clock, so the reader's clock does not matter); while it is paused, since when and no rate.
	 */
	private RunStatus.Progress progress(long runId, long executionId, Long inScope, LocalDateTime pausedSince,
			long pausedMillis, String pauseFile) {
		long decided = jdbc.queryForObject("""
				select coalesce(sum(s.read_count), 0) from batch_step_execution s
				join batch_job_execution e on e.job_execution_id = s.job_execution_id
				where e.job_instance_id = ? and s.step_name like 'migrate:%'""", Long.class, runId);
		String step = jdbc.query("""
				select step_name from batch_step_execution
				where job_execution_id = ? and status in ('STARTING', 'STARTED', 'STOPPING')
				order by step_execution_id""", rs -> rs.next() ? rs.getString(1) : null, executionId);
		if (step != null && step.contains(":")) {
			step = step.substring(0, step.indexOf(':'));
		}
		Double rate = null;
		Long eta = null;
		LocalDateTime lastUpdate = jdbc.query(
				"select max(last_updated) from batch_step_execution where job_execution_id = ?",
				rs -> rs.next() ? time(rs, 1) : null, executionId);
		List<Object[]> partitions = jdbc.query("""
				select coalesce(sum(read_count), 0), min(start_time), max(last_updated) from batch_step_execution
				where job_execution_id = ? and step_name like 'migrate:%'""",
				(rs, i) -> new Object[] { rs.getLong(1), time(rs, 2), time(rs, 3) }, executionId);
		if (!partitions.isEmpty() && partitions.get(0)[1] != null && partitions.get(0)[2] != null) {
			long readNow = (Long) partitions.get(0)[0];
			// the time paused is no work: a rate over it would be low after a pause (and stale during one)
			Duration elapsed = Duration.between((LocalDateTime) partitions.get(0)[1], (LocalDateTime) partitions.get(0)[2])
				.minusMillis(pausedMillis);
			if (readNow > 0 && elapsed.toMillis() > 0 && pausedSince == null) {
				rate = readNow * 1000.0 / elapsed.toMillis();
				if (inScope != null) {
					eta = Math.round(Math.max(0, inScope - decided) / rate);
				}
			}
		}
		return new RunStatus.Progress(step, decided, inScope, rate, eta, lastUpdate, pausedSince,
				pausedSince == null || pauseFile == null || pauseFile.isBlank() ? null : pauseFile);
	}

	private static LocalDateTime time(ResultSet rs, int column) throws SQLException {
		Timestamp ts = rs.getTimestamp(column);
		return ts == null ? null : ts.toLocalDateTime();
	}
}
