package io.keyshift.remote;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * The manager's eye on its workers while the migrate step waits for its partitions (Spring Batch's
 * partition handler polls the job repository until none is running). Every interval it:
 * <ul>
 * <li>hands a partition whose worker is gone (no heartbeat within the worker timeout, or it left
 * after a SIGTERM) to another worker: the dead attempt is marked failed in the partition's exit
 * status, the partition waits again (STARTING, still running for the poller), and its request is
 * sent again; the next worker resumes it from its last commit;</li>
 * <li>says so when partitions wait and no worker is alive (the run waits; SIGTERM stops it);</li>
 * <li>on a stop request (SIGTERM to the manager) marks the run STOPPING, which every worker sees at
 * its next chunk boundary: the partitions end STOPPED and the same command resumes them.</li>
 * </ul>
 */
public class PartitionWatch implements StepExecutionListener {

	private final JobRepository jobRepository;

	private final WorkerRegistry registry;

	private final LongConsumer resend;

	private final BooleanSupplier stopRequested;

	private final Duration interval;

	private final Duration noWorkerQuiet;

	private final String queue;

	private final PrintStream out;

	private final LongConsumer progress;

	private volatile Thread thread;

	public PartitionWatch(JobRepository jobRepository, WorkerRegistry registry, LongConsumer resend,
			BooleanSupplier stopRequested, Duration interval, Duration noWorkerQuiet, String queue, PrintStream out,
			LongConsumer progress) {
		this.jobRepository = jobRepository;
		this.registry = registry;
		this.resend = resend;
		this.stopRequested = stopRequested;
		this.interval = interval;
		this.noWorkerQuiet = noWorkerQuiet;
		this.queue = queue;
		this.out = out;
		this.progress = progress;
	}

	@Override
	public void beforeStep(StepExecution manager) {
		JobExecution run = manager.getJobExecution();
		Thread watcher = new Thread(() -> watch(run), "keyshift-partition-watch");
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

	private void watch(JobExecution run) {
		boolean stopSent = false;
		long lastNoWorker = 0;
		long runId = run.getJobInstance().getInstanceId();
		while (thread == Thread.currentThread()) {
			try {
				Thread.sleep(interval.toMillis());
			}
			catch (InterruptedException ex) {
				return;
			}
			try {
				if (!stopSent && stopRequested.getAsBoolean()) {
					JobExecution current = jobRepository.getJobExecution(run.getId());
					current.setStatus(BatchStatus.STOPPING);
					jobRepository.update(current);
					stopSent = true;
					out.println("keyshift: run " + runId + ": asked the workers to stop after their current chunk");
				}
				progress.accept(runId);
				List<StepExecution> waiting = jobRepository.getJobExecution(run.getId())
					.getStepExecutions()
					.stream()
					.filter(step -> step.getStepName().contains(":partition") && step.getStatus().isRunning())
					.toList();
				for (WorkerRegistry.Orphan orphan : registry.orphans(waiting.stream().map(StepExecution::getId).toList())) {
					handOver(orphan, runId, stopSent);
				}
				long unclaimed = waiting.stream().filter(step -> !registry.claimed(step.getId())).count();
				if (!stopSent && unclaimed > 0 && registry.liveWorkers() == 0
						&& System.nanoTime() - lastNoWorker >= noWorkerQuiet.toNanos()) {
					lastNoWorker = System.nanoTime();
					out.println("keyshift: run " + runId + ": no worker is running; " + unclaimed + " of "
							+ waiting.size() + " partitions wait in queue " + queue + ". Start 'keyshift worker'"
							+ " on a host that reaches this database and the broker; this run waits for one"
							+ " (SIGTERM stops it, resumable).");
				}
			}
			catch (RuntimeException ex) {
				out.println("keyshift: run " + runId + ": could not check the workers (" + ex.getMessage()
						+ "); trying again in " + interval.toSeconds() + " s");
			}
		}
	}

	private void handOver(WorkerRegistry.Orphan orphan, long runId, boolean stopping) {
		StepExecution partition = jobRepository.getStepExecution(orphan.stepExecutionId());
		if (partition == null || !partition.getStatus().isRunning() || !registry.release(orphan)) {
			return;
		}
		if (stopping) {
			// the run is stopping: the partition ends here, and the rerun resumes it
			partition.setStatus(BatchStatus.STOPPED);
			partition.setExitStatus(ExitStatus.STOPPED.addExitDescription(orphan.worker() + " is gone"));
			jobRepository.update(partition);
			return;
		}
		partition.setStatus(BatchStatus.STARTING);
		partition.setExitStatus(ExitStatus.FAILED.addExitDescription(orphan.worker()
				+ " is gone (no sign of life within the worker timeout): this attempt failed; the partition"
				+ " was handed to another worker"));
		jobRepository.update(partition);
		resend.accept(partition.getId());
		String lost = orphan.worker().pid() == 0 ? "worker " + orphan.worker().id() + " left (stopped)"
				: orphan.worker() + " is gone (no sign of life within the worker timeout)";
		out.println("keyshift: run " + runId + ": " + partition.getStepName() + ": " + lost
				+ "; handed to another worker, which resumes it from its last commit");
	}
}
