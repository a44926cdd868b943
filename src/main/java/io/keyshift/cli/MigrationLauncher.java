package io.keyshift.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.format.DateTimeFormatter;
import java.util.List;

import io.keyshift.input.Export;
import io.keyshift.job.RunParameters;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Component;

/**
 * Starts a run, resumes a failed or stopped one, or says that it already completed. The run is
 * identified by the input, the digest of its files, and the flags that change what it writes.
 */
@Component
public class MigrationLauncher {

	private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

	private final JobOperator jobOperator;

	private final JobRepository jobRepository;

	private final Job migrationJob;

	public MigrationLauncher(JobOperator jobOperator, JobRepository jobRepository, Job migrationJob) {
		this.jobOperator = jobOperator;
		this.jobRepository = jobRepository;
		this.migrationJob = migrationJob;
	}

	/** Runs the command; what it tells the operator goes to {@code out}, problems to {@code err}. */
	public int launch(MigrateCommand command, Export export, PrintStream out, PrintStream err) {
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
			if (status.isRunning()) {
				err.println("keyshift: run " + runId + " on this input is marked as running (started "
						+ WHEN.format(last.getStartTime()) + "). If no keyshift process is running, the last one died;"
						+ " nothing was changed.");
				return ExitCodes.USAGE;
			}
			if (status == BatchStatus.ABANDONED) {
				err.println("keyshift: run " + runId + " on this input was abandoned and cannot be resumed.");
				return ExitCodes.USAGE;
			}
			out.println("keyshift: resuming run " + runId + " (last attempt " + status.name().toLowerCase()
					+ ") from where it stopped");
		}
		JobParameters parameters = new JobParametersBuilder(identity)
			.addString(RunParameters.REPORT_DIR, reportDir(command, digest).toString(), false)
			.addString(RunParameters.DELIVERY_KEY_FILE,
					command.deliveryKeyFile() == null ? "" : command.deliveryKeyFile().toAbsolutePath().toString(),
					false)
			.toJobParameters();
		JobExecution execution;
		try {
			execution = jobOperator.start(migrationJob, parameters);
		}
		catch (Exception ex) {
			err.println("keyshift: the run could not start: " + Cli.rootMessage(ex));
			return ExitCodes.FAILED;
		}
		return outcome(execution, out, err);
	}

	private int outcome(JobExecution execution, PrintStream out, PrintStream err) {
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
				err.println("keyshift: run " + runId + " failed: " + cause
						+ ". Rerun the same command to resume from the last commit.");
				return ExitCodes.FAILED;
			}
		}
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

	private static Path reportDir(MigrateCommand command, String digest) {
		return command.reportDir() != null ? command.reportDir()
				: Path.of("reports", "run-" + digest.substring(0, 12));
	}
}
