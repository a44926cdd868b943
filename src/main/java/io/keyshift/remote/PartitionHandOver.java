package io.keyshift.remote;

import java.util.function.Consumer;

import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.step.StepExecution;

/**
 * The manager handing a partition whose worker is gone to another worker, in an order that a crash
 * or a conflict at any step leaves right:
 * <ol>
 * <li>the attempt is marked failed (the partition waits again, STARTING), but only while the gone
 * worker still holds the claim, checked and saved together: a version conflict (the worker was not
 * gone after all and committed a chunk) or a crash saves nothing, and the partition is still claimed
 * by the gone worker, so the watch hands it over at its next poll;</li>
 * <li>its request is sent again: a crash before this leaves it claimed by the gone worker, and the
 * next poll marks and sends again;</li>
 * <li>the gone worker's claim is released: a crash before this leaves a request in the queue and the
 * claim with the gone worker, which the next worker takes over (a gone worker's claim can be taken),
 * and a second request the next poll may send is dropped as a duplicate.</li>
 * </ol>
 * When the run is stopping the partition ends STOPPED instead, and no request is sent.
 */
public class PartitionHandOver {

	/** What the hand-over reads and changes: the job repository, the claims, the broker. */
	public interface Store {

		/**
		 * Applies {@code mark} to the partition and saves it (version-checked), if the partition is
		 * still running and {@code orphan}'s worker still holds its claim; the check and the save are
		 * one transaction, so a worker taking the claim over meanwhile waits for it.
		 * @return false (nothing changed) when the partition ended or another worker holds it
		 */
		boolean markIfStillHeld(WorkerRegistry.Orphan orphan, Consumer<StepExecution> mark);

		void resend(long stepExecutionId);

		boolean release(WorkerRegistry.Orphan orphan);
	}

	private final Store store;

	public PartitionHandOver(Store store) {
		this.store = store;
	}

	/**
	 * Sends a partition's request again: for a partition that waits unclaimed while workers run (its
	 * request was lost, e.g. dead-lettered after a database error before the claim). A copy that meets
	 * the partition already claimed or ended is dropped by the worker.
	 */
	public void resend(long stepExecutionId) {
		store.resend(stepExecutionId);
	}

	/**
	 * @return what to tell the operator, or null when there is nothing to tell (the partition ended,
	 * another worker took it, or the run is stopping)
	 */
	public String handOver(WorkerRegistry.Orphan orphan, boolean stopping) {
		WorkerRegistry.Worker gone = orphan.worker();
		String[] stepName = new String[1];
		boolean marked = store.markIfStillHeld(orphan, partition -> {
			stepName[0] = partition.getStepName();
			if (stopping) {
				// the run is stopping: the partition ends here, and the rerun resumes it
				partition.setStatus(BatchStatus.STOPPED);
				partition.setExitStatus(ExitStatus.STOPPED.addExitDescription(gone + " is gone"));
			}
			else {
				partition.setStatus(BatchStatus.STARTING);
				partition.setExitStatus(ExitStatus.FAILED.addExitDescription(gone
						+ " is gone (no sign of life within the worker timeout): this attempt failed; the partition"
						+ " was handed to another worker"));
			}
		});
		if (!marked) {
			return null;
		}
		if (!stopping) {
			store.resend(orphan.stepExecutionId());
		}
		store.release(orphan);
		if (stopping) {
			return null;
		}
		String lost = gone.pid() == 0 ? "worker " + gone.id() + " left (stopped)"
				: gone + " is gone (no sign of life within the worker timeout)";
		return stepName[0] + ": " + lost + "; handed to another worker, which resumes it from its last commit";
	}
}
