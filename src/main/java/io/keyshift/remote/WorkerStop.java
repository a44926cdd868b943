package io.keyshift.remote;

import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.StepInterruptionPolicy;

/**
 * When a partition on a worker stops, at a chunk boundary. The worker itself stopping (SIGTERM)
 * hands the partition back: it ends waiting for a worker (STARTING), not STOPPED, and the manager
 * sends it again once this worker has left, so another worker resumes it from its last commit. The
 * manager stopping the run (its own SIGTERM marks the run STOPPING) stops the partition: it ends
 * STOPPED and the run resumes when the same command is run again.
 */
public class WorkerStop implements StepInterruptionPolicy, StepExecutionListener {

	private final BooleanSupplier workerStopping;

	private final LongFunction<String> runStatus;

	/**
	 * @param workerStopping whether this worker was asked to stop (SIGTERM)
	 * @param runStatus the run's status now, read from the job repository, by job execution id
	 */
	public WorkerStop(BooleanSupplier workerStopping, LongFunction<String> runStatus) {
		this.workerStopping = workerStopping;
		this.runStatus = runStatus;
	}

	@Override
	public void checkInterrupted(StepExecution stepExecution) throws JobInterruptedException {
		if (workerStopping.getAsBoolean() || !"STARTED".equals(runStatus.apply(stepExecution.getJobExecutionId()))) {
			stepExecution.setTerminateOnly();
			throw new JobInterruptedException("stop requested");
		}
	}

	@Override
	public ExitStatus afterStep(StepExecution stepExecution) {
		if (stepExecution.getStatus() == BatchStatus.STOPPED && workerStopping.getAsBoolean()
				&& "STARTED".equals(runStatus.apply(stepExecution.getJobExecutionId()))) {
			stepExecution.setStatus(BatchStatus.STARTING);
			return new ExitStatus("HANDED_BACK", "the worker stopped (SIGTERM) after its last commit;"
					+ " another worker resumes the partition");
		}
		return null;
	}
}
