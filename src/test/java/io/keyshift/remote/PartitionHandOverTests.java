package io.keyshift.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.dao.OptimisticLockingFailureException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The hand-over's order: whatever step fails or crashes, the partition is either still claimed by its
 * gone worker (the next poll hands it over again) or marked, resent and released.
 */
class PartitionHandOverTests {

	private static final WorkerRegistry.Worker GONE = new WorkerRegistry.Worker("host-a-41-aa", "host-a", 41);

	private static final WorkerRegistry.Orphan ORPHAN = new WorkerRegistry.Orphan(17, GONE);

	/** The job repository's partition, the claim and the queue, in memory; a step may be made to fail. */
	static class FakeStore implements PartitionHandOver.Store {

		final StepExecution partition;

		String claimHolder = GONE.id();

		final List<Long> queue = new ArrayList<>();

		final List<String> steps = new ArrayList<>();

		String failAt;

		FakeStore(BatchStatus status) {
			JobExecution run = new JobExecution(5, new JobInstance(1, "migrate"), new JobParameters());
			partition = new StepExecution(17, "migrate:partition3", run);
			partition.setStatus(status);
			partition.setExitStatus(ExitStatus.EXECUTING);
		}

		private void step(String name) {
			steps.add(name);
			if (name.equals(failAt)) {
				throw new OptimisticLockingFailureException(name + " failed");
			}
		}

		@Override
		public boolean markIfStillHeld(WorkerRegistry.Orphan orphan, Consumer<StepExecution> mark) {
			if (!orphan.worker().id().equals(claimHolder) || !partition.getStatus().isRunning()) {
				return false;
			}
			// marked on a copy, saved only if the save succeeds (a version conflict saves nothing)
			StepExecution copy = new StepExecution(partition.getId(), partition.getStepName(),
					partition.getJobExecution());
			copy.setStatus(partition.getStatus());
			mark.accept(copy);
			step("mark");
			partition.setStatus(copy.getStatus());
			partition.setExitStatus(copy.getExitStatus());
			return true;
		}

		@Override
		public void resend(long stepExecutionId) {
			step("resend");
			queue.add(stepExecutionId);
		}

		@Override
		public boolean release(WorkerRegistry.Orphan orphan) {
			step("release");
			if (orphan.worker().id().equals(claimHolder)) {
				claimHolder = null;
				return true;
			}
			return false;
		}
	}

	@Test
	void aGoneWorkersPartitionIsMarkedFailedThenResentThenReleased() {
		FakeStore store = new FakeStore(BatchStatus.STARTED);
		String told = new PartitionHandOver(store).handOver(ORPHAN, false);
		assertThat(store.steps).containsExactly("mark", "resend", "release");
		assertThat(store.partition.getStatus()).isEqualTo(BatchStatus.STARTING);
		assertThat(store.partition.getExitStatus().getExitCode()).isEqualTo("FAILED");
		assertThat(store.partition.getExitStatus().getExitDescription()).contains("worker host-a-41-aa (host host-a, pid 41) is gone");
		assertThat(store.queue).containsExactly(17L);
		assertThat(store.claimHolder).isNull();
		assertThat(told).isEqualTo("migrate:partition3: worker host-a-41-aa (host host-a, pid 41) is gone (no sign of"
				+ " life within the worker timeout); handed to another worker, which resumes it from its last commit");
	}

	@Test
	void aWorkerThatLeftIsNamedAsLeft() {
		FakeStore store = new FakeStore(BatchStatus.STARTED);
		WorkerRegistry.Worker left = new WorkerRegistry.Worker(GONE.id(), "?", 0);
		String told = new PartitionHandOver(store).handOver(new WorkerRegistry.Orphan(17, left), false);
		assertThat(told).startsWith("migrate:partition3: worker host-a-41-aa left (stopped); handed to another worker");
	}

	@Test
	void aVersionConflictOnTheMarkChangesNothingAndTheNextPollHandsItOver() {
		FakeStore store = new FakeStore(BatchStatus.STARTED);
		store.failAt = "mark";
		PartitionHandOver handOver = new PartitionHandOver(store);
		assertThatThrownBy(() -> handOver.handOver(ORPHAN, false)).isInstanceOf(OptimisticLockingFailureException.class);
		assertThat(store.partition.getStatus()).isEqualTo(BatchStatus.STARTED);
		assertThat(store.claimHolder).as("still claimed by the gone worker").isEqualTo(GONE.id());
		assertThat(store.queue).isEmpty();

		store.failAt = null;
		assertThat(handOver.handOver(ORPHAN, false)).isNotNull();
		assertThat(store.queue).containsExactly(17L);
		assertThat(store.claimHolder).isNull();
	}

	@Test
	void aFailedResendLeavesTheClaimSoTheNextPollMarksAndSendsAgain() {
		FakeStore store = new FakeStore(BatchStatus.STARTED);
		store.failAt = "resend";
		PartitionHandOver handOver = new PartitionHandOver(store);
		assertThatThrownBy(() -> handOver.handOver(ORPHAN, false)).isInstanceOf(RuntimeException.class);
		assertThat(store.partition.getStatus()).as("waiting, so the poller still waits for it").isEqualTo(BatchStatus.STARTING);
		assertThat(store.claimHolder).as("not released: the watch finds it again").isEqualTo(GONE.id());

		store.failAt = null;
		store.steps.clear();
		assertThat(handOver.handOver(ORPHAN, false)).isNotNull();
		assertThat(store.steps).containsExactly("mark", "resend", "release");
		assertThat(store.queue).containsExactly(17L);
	}

	@Test
	void aFailedReleaseLeavesTheRequestQueuedAndTheClaimTakeableFromTheGoneWorker() {
		FakeStore store = new FakeStore(BatchStatus.STARTED);
		store.failAt = "release";
		assertThatThrownBy(() -> new PartitionHandOver(store).handOver(ORPHAN, false))
			.isInstanceOf(RuntimeException.class);
		assertThat(store.queue).containsExactly(17L);
		assertThat(store.partition.getStatus()).isEqualTo(BatchStatus.STARTING);
		assertThat(store.claimHolder).isEqualTo(GONE.id());
	}

	@Test
	void aPartitionAnotherWorkerHoldsOrThatEndedIsLeftAlone() {
		FakeStore taken = new FakeStore(BatchStatus.STARTED);
		taken.claimHolder = "host-b-2-bb";
		assertThat(new PartitionHandOver(taken).handOver(ORPHAN, false)).isNull();
		assertThat(taken.steps).isEmpty();
		assertThat(taken.partition.getStatus()).isEqualTo(BatchStatus.STARTED);
		assertThat(taken.claimHolder).isEqualTo("host-b-2-bb");

		FakeStore ended = new FakeStore(BatchStatus.COMPLETED);
		assertThat(new PartitionHandOver(ended).handOver(ORPHAN, false)).isNull();
		assertThat(ended.steps).isEmpty();
		assertThat(ended.partition.getStatus()).isEqualTo(BatchStatus.COMPLETED);
	}

	@Test
	void whileTheRunStopsAGoneWorkersPartitionEndsStoppedAndIsNotSent() {
		FakeStore store = new FakeStore(BatchStatus.STARTED);
		assertThat(new PartitionHandOver(store).handOver(ORPHAN, true)).isNull();
		assertThat(store.steps).containsExactly("mark", "release");
		assertThat(store.partition.getStatus()).isEqualTo(BatchStatus.STOPPED);
		assertThat(store.partition.getStatus().isRunning()).isFalse();
		assertThat(store.queue).isEmpty();
	}
}
