package io.keyshift.remote;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongFunction;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.batch.integration.partition.StepExecutionRequestHandler;

/**
 * A worker's side of a partition request: Spring Batch's {@link StepExecutionRequestHandler} runs
 * the partition, after checks it does not make. A request for a partition this worker runs now is
 * dropped; the partition must still be waiting or running (a request for an ended one, a late
 * duplicate, is dropped); the run must have been sealed under this worker's delivery key; and this
 * worker must win the partition's claim, which a live worker never loses. So RabbitMQ redelivering a
 * request whose partition still runs, here or elsewhere, starts no second copy, and a partition whose
 * worker is gone resumes here from its last commit.
 */
public class PartitionRequests {

	private static final Log log = LogFactory.getLog("keyshift");

	/** Runs a partition to its end (Spring Batch's request handler); returns it as it ended. */
	public interface Runner {

		StepExecution run(StepExecutionRequest request);
	}

	/** Whether the run's recorded delivery key is this worker's: null when it is, else why not. */
	public interface KeyCheck {

		String mismatch(long runId);
	}

	/** This worker's claims on partitions (see {@link WorkerRegistry}). */
	public interface Claims {

		/** Claims the partition: false when a live worker holds it. */
		boolean claim(long stepExecutionId);

		/** Whether this worker holds the partition still. */
		boolean holds(long stepExecutionId);
	}

	private final LongFunction<StepExecution> partitions;

	private final Runner runner;

	private final Claims claims;

	private final KeyCheck keyCheck;

	private final Consumer<String> refuse;

	private final Function<String, RuntimeException> requeue;

	/**
	 * The partitions this worker is running now: a request RabbitMQ redelivers to this same worker
	 * (a lost connection, its consumer timeout) while the first copy still runs is dropped, as the
	 * claim alone cannot tell (it is this worker's already).
	 */
	private final Set<Long> running = ConcurrentHashMap.newKeySet();

	/**
	 * @param partitions a partition (step execution) as the job repository holds it now, or null
	 * @param refuse told why this worker cannot run the run's partitions (another delivery key)
	 * @param requeue the exception that sends the refused request back to the queue, for a worker that can
	 */
	public PartitionRequests(LongFunction<StepExecution> partitions, Runner runner, Claims claims, KeyCheck keyCheck,
			Consumer<String> refuse, Function<String, RuntimeException> requeue) {
		this.partitions = partitions;
		this.runner = runner;
		this.claims = claims;
		this.keyCheck = keyCheck;
		this.refuse = refuse;
		this.requeue = requeue;
	}

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
		StepExecution partition = partitions.apply(id);
		if (partition == null) {
			log.warn("worker: no partition " + id + " in the job repository (another database?); request dropped");
			return;
		}
		long runId = partition.getJobExecution().getJobInstance().getInstanceId();
		String name = partition.getStepName() + " of run " + runId;
		if (!partition.getStatus().isRunning()) {
			log.info("worker: " + name + " has already ended (" + partition.getStatus().name().toLowerCase()
					+ "); request dropped");
			return;
		}
		if (!partition.getJobExecution().getStatus().isRunning()) {
			log.info("worker: run " + runId + " has already ended (" + partition.getJobExecution().getStatus().name()
				.toLowerCase() + "); request for " + partition.getStepName() + " dropped");
			return;
		}
		String mismatch = keyCheck.mismatch(runId);
		if (mismatch != null) {
			refuse.accept(mismatch);
			throw requeue.apply(mismatch);
		}
		if (!claims.claim(id)) {
			log.info("worker: " + name + " is being run by another live worker; duplicate request dropped");
			return;
		}
		log.info("worker: running " + name + " (from its last commit)");
		StepExecution ended = runner.run(request);
		String takenOver = takenOver(ended);
		if (takenOver == null && !ended.getStatus().isRunning() && ended.getStatus() != BatchStatus.COMPLETED
				&& !claims.holds(id)) {
			// a chunk in flight when the manager handed the partition over fails on the partition's version
			takenOver = "another worker took partition " + id + " over: this worker stops writing it";
		}
		if (takenOver != null) {
			log.warn("worker: " + name + " stopped here: " + takenOver + "; its last chunk was rolled back, and this"
					+ " worker goes on taking requests");
			return;
		}
		log.info("worker: " + name + " ended " + describe(ended) + " (" + ended.getWriteCount()
				+ " users of its range written so far)");
	}

	private static String describe(StepExecution ended) {
		return switch (ended.getStatus()) {
			case STARTING -> "handed back (this worker is stopping)";
			case FAILED -> "failed: " + ended.getExitStatus().getExitDescription().lines().findFirst().orElse("");
			default -> ended.getStatus().name().toLowerCase();
		};
	}

	/** The reason this worker lost the partition while it ran, if it did (see {@link ClaimedWriter}). */
	private static String takenOver(StepExecution ended) {
		for (Throwable failure : ended.getFailureExceptions()) {
			for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
				if (cause instanceof PartitionTakenOver taken) {
					return taken.getMessage();
				}
			}
		}
		return null;
	}
}
