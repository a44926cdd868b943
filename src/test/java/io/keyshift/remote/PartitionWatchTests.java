package io.keyshift.remote;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.batch.core.BatchStatus;

import static org.assertj.core.api.Assertions.assertThat;

/** What the manager's watch does at each poll: stop requests, hand-overs, and the "no worker" notice. */
class PartitionWatchTests {

	private static final WorkerRegistry.Worker GONE = new WorkerRegistry.Worker("host-a-41-aa", "host-a", 41);

	private final List<Long> unended = new ArrayList<>(List.of(11L, 12L, 13L));

	private final Set<Long> claims = new HashSet<>();

	private final List<WorkerRegistry.Orphan> orphans = new ArrayList<>();

	private int liveWorkers;

	private long queued;

	private boolean stopRequested;

	private final List<Long> markedStopping = new ArrayList<>();

	private final List<Long> progressed = new ArrayList<>();

	private long now = 1_000;

	private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

	private final PartitionHandOverTests.FakeStore store = new PartitionHandOverTests.FakeStore(BatchStatus.STARTED);

	private final PartitionWatch watch = new PartitionWatch(new PartitionWatch.Partitions() {
		@Override
		public List<Long> unended(long jobExecutionId) {
			return unended;
		}

		@Override
		public void markRunStopping(long jobExecutionId) {
			markedStopping.add(jobExecutionId);
		}
	}, new PartitionWatch.Workers() {
		@Override
		public List<WorkerRegistry.Orphan> orphans(List<Long> stepExecutionIds) {
			return orphans.stream().filter(o -> stepExecutionIds.contains(o.stepExecutionId())).toList();
		}

		@Override
		public boolean claimed(long stepExecutionId) {
			return claims.contains(stepExecutionId);
		}

		@Override
		public int liveWorkers() {
			return liveWorkers;
		}
	}, new PartitionHandOver(store), () -> stopRequested, Duration.ofMillis(500), Duration.ofSeconds(10),
			Duration.ofSeconds(30), () -> queued, "q1",
			new PrintStream(printed, true, StandardCharsets.UTF_8), progressed::add, () -> now);

	private List<String> lines() {
		List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
		printed.reset();
		return lines;
	}

	@Test
	void withNoLiveWorkerItSaysHowManyPartitionsWaitOncePerQuietPeriod() {
		claims.add(11L);
		watch.check(5, 1);
		assertThat(lines()).containsExactly("keyshift: run 1: no worker is running; 2 of 3 partitions wait in queue q1."
				+ " Start 'keyshift worker' on a host that reaches this database and the broker; this run waits for one"
				+ " (SIGTERM stops it, resumable).");
		now += Duration.ofSeconds(9).toNanos();
		watch.check(5, 1);
		assertThat(lines()).isEmpty();
		now += Duration.ofSeconds(1).toNanos();
		watch.check(5, 1);
		assertThat(lines()).hasSize(1);
		assertThat(progressed).containsExactly(1L, 1L, 1L);
	}

	@Test
	void itSaysNothingWhileAWorkerLivesOrEveryPartitionIsClaimed() {
		liveWorkers = 1;
		watch.check(5, 1);
		assertThat(lines()).isEmpty();
		liveWorkers = 0;
		claims.addAll(unended);
		watch.check(5, 1);
		assertThat(lines()).as("claimed by workers that are gone: the hand-over speaks for them").isEmpty();
	}

	@Test
	void aStopRequestMarksTheRunStoppingOnceAndSilencesTheNotice() {
		stopRequested = true;
		watch.check(5, 1);
		watch.check(5, 1);
		assertThat(markedStopping).containsExactly(5L);
		assertThat(lines()).containsExactly("keyshift: run 1: asked the workers to stop after their current chunk");
	}

	@Test
	void aGoneWorkersUnendedPartitionIsHandedOverAndSaidSo() {
		unended.add(17L);
		claims.add(17L);
		liveWorkers = 1;
		orphans.add(new WorkerRegistry.Orphan(17, GONE));
		orphans.add(new WorkerRegistry.Orphan(99, GONE));
		watch.check(5, 1);
		assertThat(store.queue).as("partition 99 has ended: not handed over").containsExactly(17L);
		assertThat(lines()).containsExactly("keyshift: run 1: migrate:partition3: worker host-a-41-aa (host host-a, pid"
				+ " 41) is gone (no sign of life within the worker timeout); handed to another worker, which resumes it"
				+ " from its last commit");
	}

	@Test
	void whileStoppingAGoneWorkersPartitionIsStoppedNotSent() {
		stopRequested = true;
		unended.add(17L);
		orphans.add(new WorkerRegistry.Orphan(17, GONE));
		watch.check(5, 1);
		assertThat(store.partition.getStatus()).isEqualTo(BatchStatus.STOPPED);
		assertThat(store.queue).isEmpty();
		assertThat(lines()).containsExactly("keyshift: run 1: asked the workers to stop after their current chunk");
	}

	@Test
	void aPartitionWaitingUnclaimedWhileWorkersRunIsSentAgainAfterTheWorkerTimeoutAndSaidSo() {
		// the request of 12 went to the dead-letter queue: workers run, nobody ever claims 12
		claims.addAll(List.of(11L, 13L));
		liveWorkers = 2;
		watch.check(5, 1);
		now += Duration.ofSeconds(29).toNanos();
		watch.check(5, 1);
		assertThat(store.queue).as("not yet: a request may sit in the queue behind others").isEmpty();
		assertThat(lines()).isEmpty();
		now += Duration.ofSeconds(1).toNanos();
		watch.check(5, 1);
		assertThat(store.queue).containsExactly(12L);
		assertThat(lines()).containsExactly("keyshift: run 1: the partition of step execution 12 waited 30 s unclaimed while 2 workers were"
				+ " running (its request was lost: see the dead-letter queue q1.dlq and the workers' output); its"
				+ " request was sent again");
		// once more only after another timeout
		now += Duration.ofSeconds(10).toNanos();
		watch.check(5, 1);
		assertThat(store.queue).containsExactly(12L);
		// claimed at last: forgotten, never sent again
		claims.add(12L);
		now += Duration.ofSeconds(60).toNanos();
		watch.check(5, 1);
		assertThat(store.queue).containsExactly(12L);
	}

	@Test
	void aPartitionWhoseRequestWaitsInTheQueueIsNotSentAgain() {
		// one worker, busy: the other requests wait in the queue, unclaimed, for minutes
		claims.add(11L);
		liveWorkers = 1;
		queued = 2;
		for (int i = 0; i < 10; i++) {
			watch.check(5, 1);
			now += Duration.ofSeconds(30).toNanos();
		}
		queued = -1; // the broker cannot say
		watch.check(5, 1);
		now += Duration.ofSeconds(60).toNanos();
		watch.check(5, 1);
		assertThat(store.queue).isEmpty();
		assertThat(lines()).isEmpty();
	}

	@Test
	void withNoLiveWorkerAnUnclaimedPartitionIsNotSentAgainAndItsWaitStartsOverWhenOneComes() {
		claims.addAll(List.of(11L, 13L));
		watch.check(5, 1);
		now += Duration.ofSeconds(60).toNanos();
		watch.check(5, 1);
		assertThat(store.queue).as("the request waits in the queue for a worker").isEmpty();
		liveWorkers = 1;
		watch.check(5, 1);
		now += Duration.ofSeconds(29).toNanos();
		watch.check(5, 1);
		assertThat(store.queue).isEmpty();
		now += Duration.ofSeconds(1).toNanos();
		watch.check(5, 1);
		assertThat(store.queue).containsExactly(12L);
	}
}
