package io.keyshift.job;

import io.keyshift.store.UserCaseSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Starts the migrate step's shared {@link Progress} with the run's user count and what earlier
 * processes of the run already decided, and prints the final figures when the step ends.
 */
public class MigrateProgressListener implements StepExecutionListener {

	private static final Logger log = LoggerFactory.getLogger("keyshift.progress");

	private final JdbcTemplate jdbc;

	private final Progress progress;

	public MigrateProgressListener(JdbcTemplate jdbc, Progress progress) {
		this.jdbc = jdbc;
		this.progress = progress;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		UserCaseSource users = new UserCaseSource(jdbc, stepExecution.getJobExecution().getJobInstance().getInstanceId());
		long total = users.countUsers();
		long decided = users.countDecided();
		progress.begin(total, decided);
		// at once, not after the first progress interval: the step has begun
		log.info(decided > 0 ? String.format("migrate: deciding %,d users (%,d of %,d decided before)", total - decided,
				decided, total) : String.format("migrate: deciding %,d users", total));
	}

	@Override
	public ExitStatus afterStep(StepExecution stepExecution) {
		progress.finish();
		return null;
	}
}
