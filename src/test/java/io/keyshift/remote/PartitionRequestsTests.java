package io.keyshift.remote;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.integration.partition.StepExecutionRequest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which partition requests a worker runs, and which it drops or sends back. */
@ExtendWith(OutputCaptureExtension.class)
class PartitionRequestsTests {

	/** The job repository's partitions, by step execution id. */
	private final Map<Long, StepExecution> partitions = new HashMap<>();

	private final List<Long> claimed = new ArrayList<>();

	private final List<Long> ran = new ArrayList<>();

	private final List<String> refused = new ArrayList<>();

	private boolean claimWon = true;

	private boolean stillHeld = true;

	private String keyMismatch;

	private PartitionRequests.Runner runner = request -> {
		ran.add(request.getStepExecutionId());
		StepExecution ended = partitions.get(request.getStepExecutionId());
		ended.setStatus(BatchStatus.COMPLETED);
		ended.setWriteCount(250);
		return ended;
	};

	private PartitionRequests requests() {
		return new PartitionRequests(partitions::get, request -> runner.run(request), new PartitionRequests.Claims() {
			@Override
			public boolean claim(long stepExecutionId) {
				claimed.add(stepExecutionId);
				return claimWon;
			}

			@Override
			public boolean holds(long stepExecutionId) {
				return stillHeld;
			}
		}, runId -> keyMismatch, refused::add, IllegalStateException::new);
	}

	private StepExecution partition(long id, BatchStatus status, BatchStatus runStatus) {
		JobExecution run = new JobExecution(5, new JobInstance(1, "migrate"), new JobParameters());
		run.setStatus(runStatus);
		StepExecution partition = new StepExecution(id, "migrate:partition" + (id - 10), run);
		partition.setStatus(status);
		partitions.put(id, partition);
		return partition;
	}

	private static StepExecutionRequest request(long id) {
		return new StepExecutionRequest("migrate", id);
	}

	@Test
	void aWaitingPartitionIsClaimedAndRun(CapturedOutput output) {
		partition(13, BatchStatus.STARTING, BatchStatus.STARTED);
		requests().handle(request(13));
		assertThat(claimed).containsExactly(13L);
		assertThat(ran).containsExactly(13L);
		assertThat(output).contains("worker: running migrate:partition3 of run 1 (from its last commit)")
			.contains("worker: migrate:partition3 of run 1 ended completed (250 users of its range written so far)");
	}

	@Test
	void aRequestForAnEndedPartitionOrRunIsDroppedWithoutAClaim(CapturedOutput output) {
		partition(13, BatchStatus.COMPLETED, BatchStatus.STARTED);
		partition(14, BatchStatus.STARTED, BatchStatus.FAILED);
		PartitionRequests requests = requests();
		requests.handle(request(13));
		requests.handle(request(14));
		requests.handle(request(99));
		assertThat(claimed).isEmpty();
		assertThat(ran).isEmpty();
		assertThat(output).contains("worker: migrate:partition3 of run 1 has already ended (completed); request dropped")
			.contains("worker: run 1 has already ended (failed); request for migrate:partition4 dropped")
			.contains("worker: no partition 99 in the job repository");
	}

	@Test
	void aPartitionALiveWorkerHoldsIsNotRunHere(CapturedOutput output) {
		partition(13, BatchStatus.STARTED, BatchStatus.STARTED);
		claimWon = false;
		requests().handle(request(13));
		assertThat(claimed).containsExactly(13L);
		assertThat(ran).isEmpty();
		assertThat(output).contains("is being run by another live worker; duplicate request dropped");
	}

	@Test
	void aRunSealedUnderAnotherKeyIsRefusedAndTheRequestGoesBackUnclaimed() {
		partition(13, BatchStatus.STARTING, BatchStatus.STARTED);
		keyMismatch = "run 1 seals its tokens under delivery key k1";
		assertThatThrownBy(() -> requests().handle(request(13))).isInstanceOf(IllegalStateException.class)
			.hasMessage(keyMismatch);
		assertThat(refused).containsExactly(keyMismatch);
		assertThat(claimed).isEmpty();
		assertThat(ran).isEmpty();
	}

	@Test
	void aRequestRedeliveredWhileThisWorkerRunsThatPartitionIsDropped(CapturedOutput output) throws Exception {
		partition(13, BatchStatus.STARTING, BatchStatus.STARTED);
		CountDownLatch running = new CountDownLatch(1);
		CountDownLatch finish = new CountDownLatch(1);
		runner = request -> {
			ran.add(request.getStepExecutionId());
			running.countDown();
			try {
				finish.await(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			StepExecution ended = partitions.get(13L);
			ended.setStatus(BatchStatus.COMPLETED);
			return ended;
		};
		PartitionRequests requests = requests();
		CompletableFuture<Void> first = CompletableFuture.runAsync(() -> requests.handle(request(13)));
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
		// the claim is this worker's already, so it alone would let the copy run
		requests.handle(request(13));
		assertThat(ran).containsExactly(13L);
		assertThat(claimed).as("the copy is dropped before the claim").containsExactly(13L);
		assertThat(output).contains("worker: partition 13 is running here already; redelivered request dropped");
		finish.countDown();
		first.get(10, TimeUnit.SECONDS);
	}

	@Test
	void oncePartitionEndedHereEvenByAFailureALaterRequestForItIsHandledAgain() {
		StepExecution partition = partition(13, BatchStatus.STARTING, BatchStatus.STARTED);
		runner = request -> {
			ran.add(request.getStepExecutionId());
			throw new IllegalStateException("the database went away");
		};
		PartitionRequests requests = requests();
		assertThatThrownBy(() -> requests.handle(request(13))).hasMessage("the database went away");
		partition.setStatus(BatchStatus.STARTING);
		assertThatThrownBy(() -> requests.handle(request(13))).hasMessage("the database went away");
		assertThat(ran).containsExactly(13L, 13L);
	}

	@Test
	void aPartitionTakenOverFromThisWorkerStopsHereInOneLineAndTheWorkerGoesOn(CapturedOutput output) {
		partition(13, BatchStatus.STARTED, BatchStatus.STARTED);
		partition(14, BatchStatus.STARTING, BatchStatus.STARTED);
		runner = request -> {
			ran.add(request.getStepExecutionId());
			StepExecution ended = partitions.get(request.getStepExecutionId());
			if (request.getStepExecutionId() == 13) {
				ended.setStatus(BatchStatus.UNKNOWN);
				ended.setExitStatus(ExitStatus.UNKNOWN);
				ended.addFailureException(new RuntimeException("chunk failed",
						new PartitionTakenOver("another worker took partition 13 over: this worker stops writing it")));
			}
			else {
				ended.setStatus(BatchStatus.COMPLETED);
			}
			return ended;
		};
		PartitionRequests requests = requests();
		requests.handle(request(13));
		requests.handle(request(14));
		assertThat(ran).containsExactly(13L, 14L);
		assertThat(output).contains("worker: migrate:partition3 of run 1 stopped here: another worker took partition"
				+ " 13 over: this worker stops writing it; its last chunk was rolled back, and this worker goes on"
				+ " taking requests")
			.doesNotContain("migrate:partition3 of run 1 ended")
			.contains("worker: migrate:partition4 of run 1 ended completed");
		assertThat(output.toString().lines().filter(l -> l.contains("migrate:partition3 of run 1 stopped here")))
			.hasSize(1);
	}

	@Test
	void aPartitionThatFailedAfterItsClaimWentToAnotherWorkerWasTakenOverNotFailed(CapturedOutput output) {
		partition(13, BatchStatus.STARTED, BatchStatus.STARTED);
		runner = request -> {
			StepExecution ended = partitions.get(13L);
			// the chunk in flight when the manager handed it over: its commit meets the new version
			ended.setStatus(BatchStatus.UNKNOWN);
			ended.addFailureException(new IllegalStateException("Attempt to update step execution id=13 with wrong version"));
			return ended;
		};
		stillHeld = false;
		requests().handle(request(13));
		assertThat(output).contains("worker: migrate:partition3 of run 1 stopped here: another worker took partition 13"
				+ " over: this worker stops writing it;")
			.doesNotContain("ended unknown");
	}

	@Test
	void aPartitionThatFailedWhileThisWorkerHeldItIsSaidToHaveFailed(CapturedOutput output) {
		partition(13, BatchStatus.STARTED, BatchStatus.STARTED);
		runner = request -> {
			StepExecution ended = partitions.get(13L);
			ended.setStatus(BatchStatus.FAILED);
			ended.setExitStatus(ExitStatus.FAILED.addExitDescription("the database refused a row\nat line 2"));
			return ended;
		};
		requests().handle(request(13));
		assertThat(output).contains("worker: migrate:partition3 of run 1 ended failed: the database refused a row (0 users")
			.doesNotContain("stopped here")
			.doesNotContain("at line 2");
	}
}
