package io.keyshift.remote;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * The manager's eye on its workers while the migrate step waits for its partitions (Spring Batch's
 * partition handler polls the job repository until none is running). Every interval it:
 * <ul>
 * <li>hands a partition whose worker is gone (no heartbeat within the worker timeout, or it left
 * after a SIGTERM) to another worker ({@link PartitionHandOver}): the dead attempt is marked failed
 * in the partition's exit status, the partition waits again (STARTING, still running for the
 * poller), and its request is sent again; the next worker resumes it from its last commit;</li>
 * <li>says so when partitions wait and no worker is alive (the run waits; SIGTERM stops it);</li>
 * <li>sends the request of a partition again when it has waited unclaimed for the worker timeout
 * while workers are alive and no request waits in the queue: its request was lost (a worker that
 * failed before claiming it sends it to the dead-letter queue), and without this the run would wait
 * forever;</li>
 * <li>on a stop request (SIGTERM to the manager) marks the run STOPPING, which every worker sees at
 * its next chunk boundary: the partitions end STOPPED and the same command resumes them.</li>
 * </ul>
 */
public class PartitionWatch implements StepExecutionListener {

	/** The run's partitions in the job repository. */
	public interface Partitions {

		/** The ids of the run's partitions that have not ended (waiting for a worker or running). */
		List<Long> unended(long jobExecutionId);

		/** Marks the run STOPPING: every worker stops its partition at its next chunk boundary. */
		void markRunStopping(long jobExecutionId);
	}

	/** What the watch reads of the workers (see {@link WorkerRegistry}). */
	public interface Workers {

		List<WorkerRegistry.Orphan> orphans(List<Long> stepExecutionIds);

		boolean claimed(long stepExecutionId);

		int liveWorkers();
	}

	private final Partitions partitions;

	private final Workers workers;

	private final PartitionHandOver handOver;

	private final BooleanSupplier stopRequested;

	private final Duration interval;

	private final Duration noWorkerQuiet;

	private final Duration unclaimedTimeout;

	private final LongSupplier queuedRequests;

	/** Since when (nanoTime) each unended, unclaimed partition has waited while workers were alive. */
	private final Map<Long, Long> waitingSince = new HashMap<>();

	private final String queue;

	private final PrintStream out;

	private final LongConsumer progress;

	private final LongSupplier nanoTime;

	private volatile Thread thread;

	private boolean stopSent;

	private Long lastNoWorker;

	/**
	 * @param noWorkerQuiet how long to stay quiet after saying that no worker is running
	 * @param unclaimedTimeout how long a partition may wait unclaimed while workers are alive before its
	 * request is sent again (the worker timeout)
	 * @param queuedRequests how many requests wait in the queue for a worker (negative when unknown);
	 * an unclaimed partition counts as lost only while none does
	 * @param nanoTime the clock of {@code noWorkerQuiet} and {@code unclaimedTimeout} ({@link System#nanoTime})
	 */
	public PartitionWatch(Partitions partitions, Workers workers, PartitionHandOver handOver,
			BooleanSupplier stopRequested, Duration interval, Duration noWorkerQuiet, Duration unclaimedTimeout,
			LongSupplier queuedRequests, String queue, PrintStream out, LongConsumer progress, LongSupplier nanoTime) {
		this.partitions = partitions;
		this.workers = workers;
		this.handOver = handOver;
		this.stopRequested = stopRequested;
		this.interval = interval;
		this.noWorkerQuiet = noWorkerQuiet;
		this.unclaimedTimeout = unclaimedTimeout;
		this.queuedRequests = queuedRequests;
		this.queue = queue;
		this.out = out;
		this.progress = progress;
		this.nanoTime = nanoTime;
	}

	@Override
	public void beforeStep(StepExecution manager) {
		JobExecution run = manager.getJobExecution();
		stopSent = false;
		lastNoWorker = null;
		waitingSince.clear();
		Thread watcher = new Thread(() -> watch(run.getId(), run.getJobInstance().getInstanceId()),
				"keyshift-partition-watch");
		watcher.setDaemon(true);
		thread = watcher;
		watcher.start();
	}

	@Override
	public ExitStatus afterStep(StepExecution manager) {
		Thread watcher = thread;
		thread = null;
		if (watcher != null) {
			watcher.interrupt();
			try {
				watcher.join(10_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return null;
	}

	private void watch(long jobExecutionId, long runId) {
		while (thread == Thread.currentThread()) {
			try {
				Thread.sleep(interval.toMillis());
			}
			catch (InterruptedException ex) {
				return;
			}
			try {
				check(jobExecutionId, runId);
			}
			catch (RuntimeException ex) {
				out.println("keyshift: run " + runId + ": could not check the workers (" + ex.getMessage()
						+ "); trying again in " + interval.toSeconds() + " s");
			}
		}
	}

	/** One look at the workers (every interval while the migrate step waits). */
	void check(long jobExecutionId, long runId) {
		if (!stopSent && stopRequested.getAsBoolean()) {
			partitions.markRunStopping(jobExecutionId);
			stopSent = true;
			out.println("keyshift: run " + runId + ": asked the workers to stop after their current chunk");
		}
		progress.accept(runId);
		List<Long> unended = partitions.unended(jobExecutionId);
		for (WorkerRegistry.Orphan orphan : workers.orphans(unended)) {
			String handedOver = handOver.handOver(orphan, stopSent);
			if (handedOver != null) {
				out.println("keyshift: run " + runId + ": " + handedOver);
			}
		}
		List<Long> waiting = unended.stream().filter(id -> !workers.claimed(id)).toList();
		long unclaimed = waiting.size();
		long now = nanoTime.getAsLong();
		int live = workers.liveWorkers();
		// lost: unclaimed while workers are alive and no request waits in the queue (a request is
		// claimed as soon as a worker takes it; with prefetch 1 none waits inside a worker)
		boolean lostIfUnclaimed = live > 0 && !waiting.isEmpty() && queuedRequests.getAsLong() == 0;
		waitingSince.keySet().retainAll(lostIfUnclaimed ? waiting : List.of());
		for (long id : lostIfUnclaimed ? waiting : List.<Long>of()) {
			long since = waitingSince.computeIfAbsent(id, key -> now);
			if (now - since >= unclaimedTimeout.toNanos()) {
				handOver.resend(id);
				waitingSince.put(id, now);
				out.println("keyshift: run " + runId + ": the partition of step execution " + id + " waited " + unclaimedTimeout.toSeconds()
						+ " s unclaimed while " + live + (live == 1 ? " worker was" : " workers were") + " running (its"
						+ " request was lost: see the dead-letter queue " + queue + ".dlq and the workers' output);"
						+ " its request was sent again");
			}
		}
		if (!stopSent && unclaimed > 0 && (lastNoWorker == null || now - lastNoWorker >= noWorkerQuiet.toNanos())
				&& live == 0) {
			lastNoWorker = now;
			out.println("keyshift: run " + runId + ": no worker is running; " + unclaimed + " of " + unended.size()
					+ " partitions wait in queue " + queue + ". Start 'keyshift worker' on a host that reaches this"
					+ " database and the broker; this run waits for one (SIGTERM stops it, resumable).");
		}
	}
}
