package io.keyshift.cli;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import io.keyshift.input.Export;
import io.keyshift.job.DeliveryKeyMismatch;
import io.keyshift.job.MigrateProcessor;
import io.keyshift.job.LoadTasklet;
import io.keyshift.job.ReportTasklet;
import io.keyshift.job.RevocationLimitExceeded;
import io.keyshift.job.RunParameters;
import io.keyshift.job.KeyshiftProperties;
import io.keyshift.job.StopSignal;
import io.keyshift.store.H2Commits;
import io.keyshift.store.Dialect;
import io.keyshift.store.ReportStore;
import io.keyshift.store.NotificationStore;
import io.keyshift.store.RunKeyStore;
import io.keyshift.store.RunLock;
import io.keyshift.token.DeliveryCipher;
import io.keyshift.token.DeliveryKey;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionSystemException;

/**
 * Starts a run, resumes a failed, stopped or crashed one, or says that it already completed. The
 * run is identified by the input, the digest of its files, and the flags that change what it
 * writes. Before anything else it takes the {@link RunLock}: with it held, any execution still
 * marked running belongs to a process that is gone, and is marked failed so the run can resume.
 * A transient database failure (lost connection, serialization failure, deadlock) restarts the
 * run from its last commit, a bounded number of times with growing pauses.
 *
 * <p>The lock lives on its own connection, which a database failure can end too. So before every
 * restart the lock is checked and, if its connection ended and no one else took it, taken again; a
 * watcher does the same every {@link #LOCK_CHECK} while the job runs. If another process took the
 * lock meanwhile, this one stops at once, exit 1, so that two runs never write together.
 */
@Component
public class MigrationLauncher {

	static final int ATTEMPTS = 5;

	/** How often the run lock is checked while the job runs. */
	static final Duration LOCK_CHECK = Duration.ofMillis(500);

	/** The least time between two lines saying the lock was taken again. */
	static final Duration REGAINED_QUIET = Duration.ofSeconds(30);

	private static final Set<String> TRANSIENT_SQL_STATES = Set.of("40001", "40P01", "57P01", "57P02", "57P03",
			"53300", "55P03");

	private static final String REGAINED = "keyshift: the run lock's database connection was closed; nobody else"
			+ " had taken the lock, so this run holds it again on a new connection";

	private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final Job migrationJob;

	private final DataSource dataSource;

	private final StopSignal stop;

	private final KeyshiftProperties properties;

	private Duration firstPause = Duration.ofSeconds(1);

	/** How often the lock was taken again in this process, for {@link #regained}. */
	private final AtomicInteger regains = new AtomicInteger();

	private long lastRegainedLine;

	/**
	 * What the lock watcher does once another process holds the lock while the job runs: end the
	 * process now. The open chunk's transaction dies with its connection, and every commit is whole,
	 * so the other run, or a rerun, resumes from the last commit.
	 */
	private Runnable onLockLost = () -> Runtime.getRuntime().halt(ExitCodes.FAILED);

	public MigrationLauncher(JobOperator jobOperator, JobRepository jobRepository, Job migrationJob,
			DataSource dataSource, StopSignal stop, KeyshiftProperties properties) {
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.migrationJob = migrationJob;
		this.dataSource = dataSource;
		this.stop = stop;
		this.properties = properties;
	}

	/** Runs the command; what it tells the operator goes to {@code out}, problems to {@code err}. */
	public int launch(MigrateCommand command, Export export, PrintStream out, PrintStream err) {
		String rateProblem = properties.maxRateProblem();
		if (rateProblem != null) {
			// --max-rate is checked as it is parsed; the same setting from the environment or a file is checked here
			err.println("keyshift: " + rateProblem + ". Nothing was changed.");
			return ExitCodes.USAGE;
		}
		try {
			Dialect dialect = Dialect.of(new JdbcTemplate(dataSource));
			if (dialect == Dialect.H2 && properties.threads() > 1) {
				out.println("keyshift: migrate: embedded H2 decides users with one thread (--threads applies on"
						+ " PostgreSQL), so that a killed run leaves only whole chunks behind");
			}
			try (RunLock lock = RunLock.acquire(dataSource, dialect, describe(command))) {
				lock.watch(LOCK_CHECK, new RunLock.Watcher() {
					@Override
					public void regained() {
						MigrationLauncher.this.regained(out);
					}

					@Override
					public void lost(RunLock.Lost lost) {
						err.println(lostMessage(lost, true));
						out.flush();
						err.flush();
						onLockLost.run();
					}
				});
				recoverStaleExecutions(out);
				// H2 only: a kill must not leave half a chunk on disk (with one writer, see migrateExecutor)
				try (H2Commits.Handle durable = H2Commits.writeEachAtOnce(new JdbcTemplate(dataSource), dialect)) {
					return run(command, export, lock, out, err);
				}
			}
		}
		catch (DeliveryKeyMismatch ex) {
			err.println("keyshift: " + ex.getMessage() + ". Nothing was written.");
			return ExitCodes.USAGE;
		}
		catch (RunLock.HeldElsewhere ex) {
			err.println("keyshift: " + ex.getMessage() + ". Nothing was changed; wait for it to finish, or stop it"
					+ " (SIGTERM) and rerun its command.");
			return ExitCodes.USAGE;
		}
		catch (RunLock.Lost ex) {
			err.println(lostMessage(ex, false));
			return ExitCodes.FAILED;
		}
		catch (DataAccessException ex) {
			String memory = memoryShortage(List.of(ex));
			err.println("keyshift: the run failed: " + (memory != null ? memory + "."
					: cause(List.of(ex)) + ". Rerun the same command to resume from the last commit."));
			return ExitCodes.FAILED;
		}
	}

	/**
	 * Says that the lock was taken again: the first time, then at most every {@link #REGAINED_QUIET}
	 * with a count, so a flapping connection does not bury the rest of the output.
	 */
	private void regained(PrintStream out) {
		long now = System.nanoTime();
		synchronized (regains) {
			int count = regains.incrementAndGet();
			if (count == 1 || now - lastRegainedLine >= REGAINED_QUIET.toNanos()) {
				lastRegainedLine = now;
				out.println(REGAINED + (count > 1 ? " (" + count + " times so far)" : ""));
			}
		}
	}

	private static String lostMessage(RunLock.Lost lost, boolean watcher) {
		return "keyshift: " + lost.getMessage() + ". This run "
				+ (watcher ? "stops now (an open chunk is rolled back; every commit is whole)" : "stops here")
				+ " so that two runs never write together. Let the other run finish, or stop it, then rerun the"
				+ " same command to resume from the last commit.";
	}

	/** With the lock held no other keyshift process is alive, so a running execution is a dead one. */
	private void recoverStaleExecutions(PrintStream out) {
		for (JobExecution stale : jobRepository.findRunningJobExecutions(migrationJob.getName())) {
			JobExecution full = jobRepository.getJobExecution(stale.getId());
			markFailed(full);
			out.println("keyshift: run " + full.getJobInstanceId() + " was left running by a process that is gone"
					+ " (started " + (full.getStartTime() == null ? "?" : WHEN.format(full.getStartTime()))
					+ "); marked failed so it can resume");
		}
	}

	/**
	 * Marks an execution that never recorded its end (left running, or UNKNOWN because its failure
	 * could not be written) FAILED, with its unfinished steps, so that it can restart. Spring Batch
	 * leaves an UNKNOWN execution to an operator; here every step resumes from its last commit, as
	 * after a crash, and the run lock proves no other process is in it. Returns whether it did.
	 */
	private boolean markFailed(JobExecution execution) {
		boolean marked = false;
		LocalDateTime now = LocalDateTime.now();
		for (StepExecution step : execution.getStepExecutions()) {
			if (unfinished(step.getStatus())) {
				step.setStatus(BatchStatus.FAILED);
				step.setExitStatus(ExitStatus.FAILED.addExitDescription("marked failed by keyshift: unfinished"));
				step.setEndTime(now);
				jobRepository.update(step);
				marked = true;
			}
		}
		if (unfinished(execution.getStatus())) {
			execution.setStatus(BatchStatus.FAILED);
			execution.setExitStatus(ExitStatus.FAILED.addExitDescription("marked failed by keyshift: unfinished"));
			execution.setEndTime(now);
			jobRepository.update(execution);
			marked = true;
		}
		return marked;
	}

	private static boolean unfinished(BatchStatus status) {
		return status.isRunning() || status == BatchStatus.UNKNOWN;
	}

	private int run(MigrateCommand command, Export export, RunLock lock, PrintStream out, PrintStream err) {
		String digest = export.digest();
		JobParameters identity = identity(command, digest);
		JobExecution last = jobRepository.getLastJobExecution(migrationJob.getName(), identity);
		ReportStore reports = new ReportStore(new JdbcTemplate(dataSource));
		String recordedDir = last == null ? null : reports.reportDir(last.getJobInstanceId());
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
		}
		String refused = ReportDirectories.refusal(command.reportDir(), last == null ? null : last.getJobInstanceId(),
				recordedDir);
		if (refused != null) {
			err.println("keyshift: " + refused + ". Nothing was written.");
			return ExitCodes.USAGE;
		}
		if (last != null) {
			long runId = last.getJobInstanceId();
			BatchStatus status = last.getStatus();
			if (!command.dryRun()) {
				checkDeliveryKey(runId, command.deliveryKeyFile());
			}
			if (markFailed(jobRepository.getJobExecution(last.getId()))) {
				out.println("keyshift: run " + runId + "'s last attempt ended without its outcome recorded (the"
						+ " database failed as it ended); marked failed so it can resume");
				status = BatchStatus.FAILED;
			}
			out.println("keyshift: resuming run " + runId + " (last attempt " + status.name().toLowerCase()
					+ ") from its last commit");
		}
		JobParameters parameters = new JobParametersBuilder(identity)
			.addString(RunParameters.REPORT_DIR, command.reportDir() != null ? command.reportDir().toString()
					: recordedDir != null ? recordedDir : "", false)
			.addString(RunParameters.DELIVERY_KEY_FILE,
					command.deliveryKeyFile() == null ? "" : command.deliveryKeyFile().toAbsolutePath().toString(),
					false)
			.addString(RunParameters.ACCEPT_UNATTRIBUTED_ROWS, Boolean.toString(command.acceptUnattributedRows()),
					false)
			.addString(RunParameters.MAX_RATE, maxRate(last), false)
			.addString(RunParameters.PAUSE_FILE, pauseFile(last), false)
			.addString(RunParameters.ACTOR, io.keyshift.store.Actor.thisProcess(), false)
			.toJobParameters();
		Duration pause = firstPause;
		for (int attempt = 1;; attempt++) {
			JobExecution execution = null;
			List<Throwable> failures;
			try {
				if (attempt > 1) {
					JobExecution completed = prepareRestart(lock, identity, out);
					if (completed != null) {
						return outcome(completed, attempt, out, err);
					}
				}
				execution = jobOperator.start(migrationJob, parameters);
				failures = execution.getAllFailureExceptions();
			}
			catch (RunLock.Lost ex) {
				throw ex;
			}
			catch (Exception ex) {
				failures = List.of(ex);
			}
			boolean failed = execution == null || execution.getStatus() == BatchStatus.FAILED
					|| execution.getStatus() == BatchStatus.UNKNOWN;
			if (!failed || attempt >= ATTEMPTS || stop.requested() || !isTransient(failures)) {
				return execution != null ? outcome(execution, attempt, out, err)
						: notStarted(failures.get(0), attempt, err);
			}
			out.println("keyshift: " + (execution != null ? "run " + execution.getJobInstanceId() : "the run")
					+ " hit a transient database error (" + cause(failures) + "); resuming in " + pause.toSeconds()
					+ " s (attempt " + (attempt + 1) + " of " + ATTEMPTS + ")");
			if (!sleep(pause)) {
				return execution != null ? outcome(execution, attempt, out, err)
						: notStarted(failures.get(0), attempt, err);
			}
			pause = pause.multipliedBy(2);
		}
	}

	/**
	 * {@code --max-rate} if given (0: no limit), else what the run's last attempt had: a resumed run
	 * keeps its throttle. Empty for no limit.
	 */
	private String maxRate(JobExecution last) {
		Double given = properties.maxRate();
		if (given != null) {
			return given > 0 ? BigDecimal.valueOf(given).stripTrailingZeros().toPlainString() : "";
		}
		String recorded = last == null ? null : last.getJobParameters().getString(RunParameters.MAX_RATE);
		return recorded == null ? "" : recorded;
	}

	/** {@code --pause-file} if given (empty: none), else what the run's last attempt had. */
	private String pauseFile(JobExecution last) {
		String given = properties.pauseFile();
		if (given != null) {
			return given.isBlank() ? "" : Path.of(given).toAbsolutePath().normalize().toString();
		}
		String recorded = last == null ? null : last.getJobParameters().getString(RunParameters.PAUSE_FILE);
		return recorded == null ? "" : recorded;
	}

	/**
	 * A run seals every token under the key it began with: a resume with another key would split
	 * them across two keys, and stops here, before anything is written. A run of the previous
	 * release recorded no key identifier: one of its sealed notifications is tried instead.
	 */
	private void checkDeliveryKey(long runId, Path keyFile) {
		DeliveryKey key = DeliveryKey.load(keyFile);
		RunKeyStore runKeys = new RunKeyStore(new JdbcTemplate(dataSource));
		String recorded = runKeys.keyIdOf(runId);
		if (recorded != null && !recorded.equals(key.id())) {
			throw DeliveryKeyMismatch.recorded(runId, recorded, keyFile, key.id());
		}
		NotificationStore.Pending sealed = recorded == null ? runKeys.sealedWithoutKeyId(runId) : null;
		if (sealed != null) {
			try {
				byte[] json = new DeliveryCipher(key, new SecureRandom()).decrypt(
						Base64.getDecoder().decode(sealed.sealedPayload()),
						MigrateProcessor.associatedData(sealed.id(), sealed.userId()));
				Arrays.fill(json, (byte) 0);
			}
			catch (IllegalArgumentException ex) {
				throw DeliveryKeyMismatch.unrecorded(runId, keyFile, key.id());
			}
		}
	}

	/**
	 * Before a restart: the lock must still be this process's (its connection may have died with the
	 * others), and the failed attempt must be recorded as ended, which the database failure itself
	 * may have prevented. Returns the execution if it did complete after all (the failure hit only
	 * the reply to its last commit), else null.
	 */
	private JobExecution prepareRestart(RunLock lock, JobParameters identity, PrintStream out) {
		if (lock.ensureHeld()) {
			regained(out);
		}
		JobExecution last = jobRepository.getLastJobExecution(migrationJob.getName(), identity);
		if (last == null) {
			return null;
		}
		JobExecution full = jobRepository.getJobExecution(last.getId());
		if (full.getStatus() == BatchStatus.COMPLETED) {
			return full;
		}
		markFailed(full);
		return null;
	}

	private int notStarted(Throwable failure, int attempts, PrintStream err) {
		String memory = memoryShortage(List.of(failure));
		if (memory != null) {
			err.println("keyshift: the run failed" + (attempts > 1 ? " after " + attempts + " attempts" : "") + ": "
					+ memory + ".");
		}
		else if (attempts > 1 || isTransient(List.of(failure))) {
			err.println("keyshift: the run failed" + (attempts > 1 ? " after " + attempts + " attempts" : "") + ": "
					+ cause(List.of(failure)) + ". Rerun the same command to resume from the last commit.");
		}
		else {
			err.println("keyshift: the run could not start: " + Cli.rootMessage(failure));
		}
		return ExitCodes.FAILED;
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
				String wouldStop = execution.getExecutionContext().getString(ReportTasklet.WOULD_STOP, null);
				if (wouldStop != null) {
					out.println("keyshift: " + wouldStop);
				}
				return ExitCodes.OK;
			}
			case STOPPED -> {
				for (Throwable t : related(execution.getAllFailureExceptions())) {
					if (t instanceof RevocationLimitExceeded valve) {
						err.println(valve.getMessage());
						return ExitCodes.USAGE;
					}
				}
				String unusable = unusableInput(execution);
				if (unusable != null) {
					// the same command would stop the same way: no "rerun to resume" here
					err.println("keyshift: run " + runId + " stopped: " + unusable + ". Nothing was written.");
					return ExitCodes.USAGE;
				}
				err.println("keyshift: run " + runId + " stopped; rerun the same command to resume.");
				return ExitCodes.FAILED;
			}
			default -> {
				List<Throwable> failures = execution.getAllFailureExceptions();
				String memory = memoryShortage(failures);
				String cause = failures.isEmpty() ? execution.getExitStatus().getExitDescription()
						: cause(failures);
				err.println("keyshift: run " + runId + " failed" + (attempts > 1 ? " after " + attempts + " attempts" : "")
						+ ": " + (memory != null ? memory + "."
								: cause + ". Rerun the same command to resume from the last commit."));
				return ExitCodes.FAILED;
			}
		}
	}

	/** What the load step stopped the run on (a row that belongs to nobody, a row the database refuses), or null. */
	private static String unusableInput(JobExecution execution) {
		for (StepExecution step : execution.getStepExecutions()) {
			if (step.getExitStatus().getExitCode().equals(LoadTasklet.UNUSABLE_INPUT)) {
				// Spring Batch puts the name of the exception that stopped the job in front of it
				return step.getExitStatus().getExitDescription().replaceFirst("^([\\w$]+\\.)+\\w+Exception; ", "");
			}
		}
		return null;
	}

	/** The run ran out of Java heap (or H2 closed itself over it): the one line that says so, else null. */
	private static String memoryShortage(List<Throwable> failures) {
		return MemoryShortage.explain(related(failures), Runtime.getRuntime().maxMemory());
	}

	/** Failures worth another attempt: the database went away or asked us to try again. */
	static boolean isTransient(List<Throwable> failures) {
		return firstTransient(failures) != null;
	}

	private static Throwable firstTransient(List<Throwable> failures) {
		for (Throwable t : related(failures)) {
			if (t instanceof TransientDataAccessException || t instanceof RecoverableDataAccessException
					|| t instanceof CannotGetJdbcConnectionException || t instanceof SQLTransientException
					|| t instanceof SQLRecoverableException) {
				return t;
			}
			if (t instanceof SQLException sql && sql.getSQLState() != null
					&& (sql.getSQLState().startsWith("08") || TRANSIENT_SQL_STATES.contains(sql.getSQLState()))) {
				return t;
			}
		}
		// A commit or rollback the driver could not carry out: with a connection the server ended, the
		// pool has already closed it ("Connection is closed", no SQL state), and a commit that hit the
		// end may or may not have landed. Either way a restart reads what was committed, and resumes.
		for (Throwable t : related(failures)) {
			if (t instanceof TransactionSystemException && t.getCause() instanceof SQLException) {
				return t;
			}
		}
		return null;
	}

	/**
	 * The failures and everything behind them: causes, suppressed exceptions, and the exception a
	 * failed rollback hid (a lost connection fails the chunk, then its rollback, and the step
	 * records the rollback's "Connection is closed").
	 */
	private static List<Throwable> related(List<Throwable> failures) {
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		List<Throwable> all = new ArrayList<>();
		List<Throwable> todo = new ArrayList<>(failures);
		while (!todo.isEmpty()) {
			Throwable t = todo.remove(0);
			if (t == null || !seen.add(t)) {
				continue;
			}
			all.add(t);
			if (t instanceof TransactionSystemException tse) {
				todo.add(tse.getApplicationException());
			}
			todo.add(t.getCause());
			todo.addAll(List.of(t.getSuppressed()));
		}
		return all;
	}

	private static Throwable rootCause(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

	/** What went wrong, in one line: the database's own words when it was a database failure. */
	static String cause(List<Throwable> failures) {
		Throwable t = firstTransient(failures);
		if (t == null) {
			t = failures.isEmpty() ? null : rootCause(failures.get(0));
			if (t == null) {
				return "unknown failure";
			}
		}
		// the SQLException under a translated exception says it best
		for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
			if (c instanceof SQLException) {
				t = c;
				break;
			}
		}
		String message = t.getMessage();
		String line = message == null ? t.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
		// the sentence that follows supplies the full stop
		return line.endsWith(".") ? line.substring(0, line.length() - 1) : line;
	}

	void firstPause(Duration pause) {
		this.firstPause = pause;
	}

	void onLockLost(Runnable action) {
		this.onLockLost = action;
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
}
