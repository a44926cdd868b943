package io.keyshift.remote;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.step.StepExecution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A partition on a worker stops when the worker or the run stops, and only a worker's own stop hands it back. */
class WorkerStopTests {

	private final Map<Long, String> runStatus = new HashMap<>();

	private boolean workerStopping;

	private final WorkerStop stop = new WorkerStop(() -> workerStopping, runStatus::get);

	private StepExecution partition(BatchStatus status) {
		JobExecution run = new JobExecution(5, new JobInstance(1, "migrate"), new JobParameters());
		StepExecution partition = new StepExecution(17, "migrate:partition3", run);
		partition.setStatus(status);
		return partition;
	}

	@Test
	void aPartitionGoesOnWhileTheWorkerRunsAndTheRunIsStarted() {
		runStatus.put(5L, "STARTED");
		StepExecution partition = partition(BatchStatus.STARTED);
		assertThatCode(() -> stop.checkInterrupted(partition)).doesNotThrowAnyException();
		assertThat(partition.isTerminateOnly()).isFalse();
	}

	@Test
	void aPartitionStopsAtItsChunkBoundaryWhenTheWorkerIsStopping() {
		runStatus.put(5L, "STARTED");
		workerStopping = true;
		StepExecution partition = partition(BatchStatus.STARTED);
		assertThatThrownBy(() -> stop.checkInterrupted(partition)).isInstanceOf(JobInterruptedException.class);
		assertThat(partition.isTerminateOnly()).isTrue();
	}

	@Test
	void aPartitionStopsWhenTheRunIsNoLongerStarted() {
		for (String status : new String[] { "STOPPING", "FAILED", "STOPPED" }) {
			runStatus.put(5L, status);
			StepExecution partition = partition(BatchStatus.STARTED);
			assertThatThrownBy(() -> stop.checkInterrupted(partition)).as(status)
				.isInstanceOf(JobInterruptedException.class);
			assertThat(partition.isTerminateOnly()).as(status).isTrue();
		}
	}

	@Test
	void aWorkersSigtermHandsThePartitionBackToWaitForAnotherWorker() {
		runStatus.put(5L, "STARTED");
		workerStopping = true;
		StepExecution partition = partition(BatchStatus.STOPPED);
		ExitStatus exit = stop.afterStep(partition);
		assertThat(partition.getStatus()).isEqualTo(BatchStatus.STARTING);
		assertThat(partition.getStatus().isRunning()).as("the manager's poller still waits for it").isTrue();
		assertThat(exit.getExitCode()).isEqualTo("HANDED_BACK");
	}

	@Test
	void theManagersStopLeavesThePartitionStoppedForTheRerunEvenIfTheWorkerStopsToo() {
		runStatus.put(5L, "STOPPING");
		workerStopping = true;
		StepExecution partition = partition(BatchStatus.STOPPED);
		assertThat(stop.afterStep(partition)).isNull();
		assertThat(partition.getStatus()).isEqualTo(BatchStatus.STOPPED);
	}

	@Test
	void aPartitionThatEndedOtherwiseIsLeftAsItEnded() {
		runStatus.put(5L, "STARTED");
		workerStopping = true;
		for (BatchStatus ended : new BatchStatus[] { BatchStatus.COMPLETED, BatchStatus.FAILED }) {
			StepExecution partition = partition(ended);
			assertThat(stop.afterStep(partition)).as(ended.name()).isNull();
			assertThat(partition.getStatus()).isEqualTo(ended);
		}
		workerStopping = false;
		StepExecution stopped = partition(BatchStatus.STOPPED);
		assertThat(stop.afterStep(stopped)).as("stopped, but not by this worker's SIGTERM").isNull();
		assertThat(stopped.getStatus()).isEqualTo(BatchStatus.STOPPED);
	}
}
