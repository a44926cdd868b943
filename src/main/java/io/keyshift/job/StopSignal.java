package io.keyshift.job;

import java.util.concurrent.atomic.AtomicBoolean;

import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.StepInterruptionPolicy;

/**
 * A request to stop gracefully (SIGTERM, Ctrl-C): steps finish the chunk they are in, commit it,
 * and end STOPPED, so the same command resumes after the last commit.
 */
public class StopSignal implements StepInterruptionPolicy {

	private final AtomicBoolean requested = new AtomicBoolean();

	private final AtomicBoolean ended = new AtomicBoolean();

	public void request() {
		requested.set(true);
	}

	public boolean requested() {
		return requested.get();
	}

	/** The command has ended (its outcome is printed); the process is only closing down. */
	public void end() {
		ended.set(true);
	}

	/** Whether {@link #end} was called: a signal now has nothing left to stop. */
	public boolean ended() {
		return ended.get();
	}

	/**
	 * Throws when a stop was requested: checked at every chunk boundary. The step is also marked
	 * terminate-only, which is what makes Spring Batch end it STOPPED rather than COMPLETED when a
	 * chunk-oriented step leaves its loop early.
	 */
	@Override
	public void checkInterrupted(StepExecution stepExecution) throws JobInterruptedException {
		if (requested.get()) {
			stepExecution.setTerminateOnly();
			throw new JobInterruptedException("stop requested");
		}
	}
}
