package io.keyshift.remote;

import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.batch.integration.partition.StepExecutionRequestHandler;

/**
 * A worker's side of a partition request: Spring Batch's {@link StepExecutionRequestHandler} runs
 * the partition, after three checks it does not make. The partition must still be waiting or
 * running (a request for an ended one, a late duplicate, is dropped); the run must have been sealed
 * under this worker's delivery key; and this worker must win the partition's claim, which a live
 * worker never loses. So RabbitMQ redelivering a request whose partition still runs elsewhere starts
 * no second copy, and a partition whose worker is gone resumes here from its last commit.
 */
public class PartitionRequests {

	private static final Log log = LogFactory.getLog("keyshift");

	private static String describe(StepExecution ended) {
		return switch (ended.getStatus()) {
			case STARTING -> "handed back (this worker is stopping)";
			case FAILED -> "failed: " + ended.getExitStatus().getExitDescription().lines().findFirst().orElse("");
			default -> ended.getStatus().name().toLowerCase();
		};
	}

	private final JobRepository jobRepository;

	private final StepExecutionRequestHandler handler;

	private final WorkerRegistry registry;

	private final String workerId;

	private final KeyCheck keyCheck;

	private final Consumer<String> refuse;

	/** Whether the run's recorded delivery key is this worker's: null when it is, else why not. */
	public interface KeyCheck {

		String mismatch(long runId);
	}

	/**
	 * @param refuse told why this worker cannot run the run's partitions (another delivery key); the
	 * request goes back to the queue for a worker that can
	 */
	public PartitionRequests(JobRepository jobRepository, StepExecutionRequestHandler handler,
			WorkerRegistry registry, String workerId, KeyCheck keyCheck, Consumer<String> refuse) {
		this.jobRepository = jobRepository;
		this.handler = handler;
		this.registry = registry;
		this.workerId = workerId;
		this.keyCheck = keyCheck;
		this.refuse = refuse;
	}

	/**
	 * The partitions this worker is running now: a request RabbitMQ redelivers to this same worker
	 * (a lost connection, its consumer timeout) while the first copy still runs is dropped, as the
	 * claim alone cannot tell (it is this worker's already).
	 */
	private final java.util.Set<Long> running = java.util.concurrent.ConcurrentHashMap.newKeySet();

	public void handle(StepExecutionRequest request) {
		long id = request.getStepExecutionId();
		if (!running.add(id)) {
			log.info("worker: partition " + id + " is running here already; redelivered request dropped");
			return;
		}
		try {
			handleOnce(request, id);
		}
		finally {
			running.remove(id);
		}
	}

	private void handleOnce(StepExecutionRequest request, long id) {
		StepExecution partition = jobRepository.getStepExecution(id);
		if (partition == null) {
			log.warn("worker: no partition " + id + " in the job repository (another database?); request dropped");
			return;
		}
		String name = partition.getStepName() + " of run " + partition.getJobExecution().getJobInstance().getInstanceId();
		if (!partition.getStatus().isRunning() || !partition.getJobExecution().getStatus().isRunning()) {
			log.info("worker: " + name + " has already ended (" + partition.getStatus().name().toLowerCase()
					+ "); request dropped");
			return;
		}
		String mismatch = keyCheck.mismatch(partition.getJobExecution().getJobInstance().getInstanceId());
		if (mismatch != null) {
			refuse.accept(mismatch);
			throw new org.springframework.amqp.ImmediateRequeueAmqpException(mismatch);
		}
		if (!registry.claim(id, workerId)) {
			log.info("worker: " + name + " is being run by another live worker; duplicate request dropped");
			return;
		}
		log.info("worker: running " + name + " (from its last commit)");
		StepExecution ended = handler.handle(request);
		log.info("worker: " + name + " ended " + describe(ended) + " (" + ended.getWriteCount()
				+ " users of its range written so far)");
	}
}
