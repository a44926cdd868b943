package io.keyshift.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import io.keyshift.input.Export;
import io.keyshift.job.RunParameters;
import io.keyshift.job.StopSignal;
import io.keyshift.store.Dialect;
import io.keyshift.store.RunLock;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Starts a run, resumes a failed, stopped or crashed one, or says that it already completed. The
 * run is identified by the input, the digest of its files, and the flags that change what it
 * writes. Before anything else it takes the {@link RunLock}: with it held, any execution still
 * marked running belongs to a process that is gone, and is marked failed so the run can resume.
 * A transient database failure (lost connection, serialization failure, deadlock) restarts the
 * run from its last commit, a bounded number of times with growing pauses.
 */
@Component
public class MigrationLauncher {

	static final int ATTEMPTS = 5;

	private static final Set<String> TRANSIENT_SQL_STATES = Set.of("40001", "40P01", "57P01", "57P02", "57P03",
			"53300", "55P03");

	private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final Job migrationJob;

	private final DataSource dataSource;

	private final StopSignal stop;

	private Duration firstPause = Duration.ofSeconds(1);

	public MigrationLauncher(JobOperator jobOperator, JobRepository jobRepository, Job migrationJob,
			DataSource dataSource, StopSignal stop) {
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.migrationJob = migrationJob;
		this.dataSource = dataSource;
		this.stop = stop;
	}

	/** Runs the command; what it tells the operator goes to {@code out}, problems to {@code err}. */
	public int launch(MigrateCommand command, Export export, PrintStream out, PrintStream err) {
		Dialect dialect = Dialect.of(new JdbcTemplate(dataSource));
		try (RunLock lock = RunLock.acquire(dataSource, dialect, describe(command))) {
			recoverStaleExecutions(out);
			return run(command, export, out, err);
		}
		catch (RunLock.HeldElsewhere ex) {
			err.println("keyshift: " + ex.getMessage() + ". Nothing was changed; wait for it to finish, or stop it"
					+ " (SIGTERM) and rerun its command.");
			return ExitCodes.USAGE;
		}
	}

	/** With the lock held no other keyshift process is alive, so a running execution is a dead one. */
	private void recoverStaleExecutions(PrintStream out) {
		for (JobExecution stale : jobRepository.findRunningJobExecutions(migrationJob.getName())) {
			JobExecution full = jobRepository.getJobExecution(stale.getId());
			jobOperator.recover(full);
			out.println("keyshift: run " + full.getJobInstanceId() + " was left running by a process that is gone"
					+ " (started " + (full.getStartTime() == null ? "?" : WHEN.format(full.getStartTime()))
					+ "); marked failed so it can resume");
		}
	}

	private int run(MigrateCommand command, Export export, PrintStream out, PrintStream err) {
		String digest = export.digest();
		JobParameters identity = identity(command, digest);
		JobExecution last = jobRepository.getLastJobExecution(migrationJob.getName(), identity);
		if (last != null) {
			long runId = last.getJobInstanceId();
			BatchStatus status = last.getStatus();
			if (status == BatchStatus.COMPLETED) {
				out.println("keyshift: run " + runId + " on this input already completed"
						+ (last.getEndTime() == null ? "" : " at " + WHEN.format(last.getEndTime()))
						+ "; nothing to do. Its report: " + last.getExecutionContext().getString("report.dir", "(none)"));
				return ExitCodes.OK;
			}
			if (status == BatchStatus.ABANDONED) {
				err.println("keyshift: run " + runId + " on this input was abandoned and cannot be resumed.");
				return ExitCodes.USAGE;
			}
			out.println("keyshift: resuming run " + runId + " (last attempt " + status.name().toLowerCase()
					+ ") from its last commit");
		}
		JobParameters parameters = new JobParametersBuilder(identity)
			.addString(RunParameters.REPORT_DIR, reportDir(command, digest).toString(), false)
			.addString(RunParameters.DELIVERY_KEY_FILE,
					command.deliveryKeyFile() == null ? "" : command.deliveryKeyFile().toAbsolutePath().toString(),
					false)
			.toJobParameters();
		Duration pause = firstPause;
		for (int attempt = 1;; attempt++) {
			JobExecution execution;
			try {
				execution = jobOperator.start(migrationJob, parameters);
			}
			catch (Exception ex) {
				err.println("keyshift: the run could not start: " + Cli.rootMessage(ex));
				return ExitCodes.FAILED;
			}
			if (execution.getStatus() != BatchStatus.FAILED || attempt >= ATTEMPTS || stop.requested()
					|| !isTransient(execution.getAllFailureExceptions())) {
				return outcome(execution, attempt, out, err);
			}
			out.println("keyshift: run " + execution.getJobInstanceId() + " hit a transient database error ("
					+ Cli.rootMessage(execution.getAllFailureExceptions().get(0)) + "); resuming in "
					+ pause.toSeconds() + " s (attempt " + (attempt + 1) + " of " + ATTEMPTS + ")");
			if (!sleep(pause)) {
				return outcome(execution, attempt, out, err);
			}
			pause = pause.multipliedBy(2);
		}
	}

	private boolean sleep(Duration pause) {
		long until = System.nanoTime() + pause.toNanos();
		while (System.nanoTime() < until) {
			if (stop.requested()) {
				return false;
			}
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}
		return true;
	}

	private int outcome(JobExecution execution, int attempts, PrintStream out, PrintStream err) {
		long runId = execution.getJobInstanceId();
		switch (execution.getStatus()) {
			case COMPLETED -> {
				out.println("keyshift: run " + runId + " completed. Report: "
						+ execution.getExecutionContext().getString("report.dir", "(none)"));
				return ExitCodes.OK;
			}
			case STOPPED -> {
				err.println("keyshift: run " + runId + " stopped; rerun the same command to resume.");
				return ExitCodes.FAILED;
			}
			default -> {
				List<Throwable> failures = execution.getAllFailureExceptions();
				String cause = failures.isEmpty() ? execution.getExitStatus().getExitDescription()
						: Cli.rootMessage(failures.get(0));
				err.println("keyshift: run " + runId + " failed" + (attempts > 1 ? " after " + attempts + " attempts" : "")
						+ ": " + cause + ". Rerun the same command to resume from the last commit.");
				return ExitCodes.FAILED;
			}
		}
	}

	/** Failures worth another attempt: the database went away or asked us to try again. */
	static boolean isTransient(List<Throwable> failures) {
		for (Throwable failure : failures) {
			for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
				if (t instanceof TransientDataAccessException || t instanceof RecoverableDataAccessException
						|| t instanceof CannotGetJdbcConnectionException || t instanceof SQLTransientException
						|| t instanceof SQLRecoverableException) {
					return true;
				}
				if (t instanceof SQLException sql && sql.getSQLState() != null
						&& (sql.getSQLState().startsWith("08") || TRANSIENT_SQL_STATES.contains(sql.getSQLState()))) {
					return true;
				}
			}
		}
		return false;
	}

	void firstPause(Duration pause) {
		this.firstPause = pause;
	}

	static JobParameters identity(MigrateCommand command, String digest) {
		JobParametersBuilder builder = new JobParametersBuilder()
			.addString(RunParameters.INPUT, command.input().toAbsolutePath().normalize().toString())
			.addString(RunParameters.INPUT_DIGEST, digest)
			.addString(RunParameters.DRY_RUN, Boolean.toString(command.dryRun()))
			.addString(RunParameters.REVOKE_LEGACY_KEYS, Boolean.toString(command.revokeLegacyKeys()));
		if (command.dryRun()) {
			builder.addLong(RunParameters.REHEARSAL, System.currentTimeMillis());
		}
		return builder.toJobParameters();
	}

	private static String describe(MigrateCommand command) {
		return "migrate --input " + command.input() + (command.dryRun() ? " --dry-run" : "")
				+ (command.revokeLegacyKeys() ? " --revoke-legacy-keys" : "");
	}

	private static Path reportDir(MigrateCommand command, String digest) {
		return command.reportDir() != null ? command.reportDir()
				: Path.of("reports", "run-" + digest.substring(0, 12));
	}
}
