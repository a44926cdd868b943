package io.keyshift.remote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.keyshift.support.TestDatabase;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.repository.support.JdbcJobRepositoryFactoryBean;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Workers' heartbeats and partition claims: a live worker's partition is never taken, a silent or
 * departed worker's is, by one worker only. On H2 and PostgreSQL (the tables are created on both,
 * though only PostgreSQL runs remote workers).
 */
class WorkerRegistryIT {

	@TempDir
	Path tmp;

	private TestDatabase db;

	private HikariDataSource pool;

	@AfterEach
	void drop() {
		if (pool != null) {
			pool.close();
		}
		db.close();
	}

	private WorkerRegistry registry(TestDatabase.Kind kind) {
		db = TestDatabase.create(kind, tmp);
		pool = db.migratedPool(3);
		return new WorkerRegistry(new JdbcTemplate(pool), Duration.ofSeconds(30));
	}

	private void silence(String workerId, int seconds) {
		new JdbcTemplate(pool).update("update keyshift_worker set last_beat = last_beat - interval '" + seconds
				+ "' second where worker_id = ?", workerId);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aLiveWorkersPartitionIsNotTakenAGoneWorkersIsByOneWorkerOnly(TestDatabase.Kind kind) {
		WorkerRegistry registry = registry(kind);
		WorkerRegistry.Worker a = new WorkerRegistry.Worker("host-a-1-aa", "host-a", 1);
		WorkerRegistry.Worker b = new WorkerRegistry.Worker("host-b-2-bb", "host-b", 2);
		WorkerRegistry.Worker c = new WorkerRegistry.Worker("host-c-3-cc", "host-c", 3);
		registry.join(a);
		registry.join(b);
		registry.join(c);
		assertThat(registry.liveWorkers()).isEqualTo(3);

		assertThat(registry.claim(7, a.id())).isTrue();
		assertThat(registry.claim(7, a.id())).as("its own claim again (a redelivery to the same worker)").isTrue();
		assertThat(registry.claim(7, b.id())).as("a live worker's partition").isFalse();
		assertThat(registry.orphans(List.of(7L))).isEmpty();
		assertThat(registry.holds(7, a.id())).isTrue();

		silence(a.id(), 31);
		assertThat(registry.liveWorkers()).isEqualTo(2);
		assertThat(registry.orphans(List.of(7L, 8L))).containsExactly(new WorkerRegistry.Orphan(7, a));
		assertThat(registry.claim(7, b.id())).as("taken over from a silent worker").isTrue();
		assertThat(registry.claim(7, c.id())).as("b is alive: c cannot take it too").isFalse();
		assertThat(registry.holds(7, a.id())).isFalse();
		assertThat(registry.holds(7, b.id())).isTrue();
		assertThat(registry.beat(a.id())).as("a's row is still there: it beats again").isTrue();
		assertThat(registry.claim(7, a.id())).as("once back, a does not get its partition back").isFalse();

		registry.leave(b.id());
		assertThat(registry.beat(b.id())).isFalse();
		WorkerRegistry.Orphan left = new WorkerRegistry.Orphan(7, new WorkerRegistry.Worker(b.id(), "?", 0));
		assertThat(registry.orphans(List.of(7L))).containsExactly(left);
		assertThat(registry.release(left)).isTrue();
		assertThat(registry.claimed(7)).isFalse();
		assertThat(registry.claim(7, c.id())).isTrue();
		assertThat(registry.release(left)).as("c's claim is not b's to release").isFalse();
		assertThat(registry.holds(7, c.id())).isTrue();
	}

	private JobRepository jobRepository() throws Exception {
		JdbcJobRepositoryFactoryBean factory = new JdbcJobRepositoryFactoryBean();
		factory.setDataSource(pool);
		factory.setTransactionManager(new JdbcTransactionManager(pool));
		factory.afterPropertiesSet();
		return factory.getObject();
	}

	/** A run's partition that a worker was running: STARTED in the job repository. */
	private StepExecution runningPartition(JobRepository repository) {
		JobInstance instance = repository.createJobInstance("migrate", new JobParameters());
		JobExecution run = repository.createJobExecution(instance, new JobParameters(), new ExecutionContext());
		run.setStatus(BatchStatus.STARTED);
		repository.update(run);
		StepExecution partition = repository.createStepExecution("migrate:partition0", run);
		partition.setStatus(BatchStatus.STARTED);
		repository.update(partition);
		return partition;
	}

	/** The gone worker's chunk commit, on another connection: the partition's version moves on. */
	private static void commitAChunk(JobRepository repository, long stepExecutionId) {
		CompletableFuture.runAsync(() -> {
			StepExecution partition = repository.getStepExecution(stepExecutionId);
			partition.setWriteCount(partition.getWriteCount() + 50);
			repository.update(partition);
		}).join();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aVersionConflictInTheHandOverLeavesThePartitionClaimedAndTheNextPollHandsItOver(TestDatabase.Kind kind)
			throws Exception {
		WorkerRegistry registry = registry(kind);
		JobRepository repository = jobRepository();
		long id = runningPartition(repository).getId();
		WorkerRegistry.Worker a = new WorkerRegistry.Worker("host-a-1-aa", "host-a", 1);
		registry.join(a);
		assertThat(registry.claim(id, a.id())).isTrue();
		silence(a.id(), 31);
		WorkerRegistry.Orphan orphan = registry.orphans(List.of(id)).get(0);
		List<Long> resent = new ArrayList<>();
		RepositoryHandOverStore store = new RepositoryHandOverStore(repository, registry,
				new TransactionTemplate(new JdbcTransactionManager(pool)), resent::add);

		// the worker was slow, not dead: it commits a chunk between the manager's read and its update
		assertThatThrownBy(() -> new PartitionHandOver(new PartitionHandOver.Store() {
			@Override
			public boolean markIfStillHeld(WorkerRegistry.Orphan o, java.util.function.Consumer<StepExecution> mark) {
				return store.markIfStillHeld(o, partition -> {
					commitAChunk(repository, id);
					mark.accept(partition);
				});
			}

			@Override
			public void resend(long stepExecutionId) {
				store.resend(stepExecutionId);
			}

			@Override
			public boolean release(WorkerRegistry.Orphan o) {
				return store.release(o);
			}
		}).handOver(orphan, false)).isInstanceOf(OptimisticLockingFailureException.class);
		StepExecution after = repository.getStepExecution(id);
		assertThat(after.getStatus()).as("nothing of the hand-over was saved").isEqualTo(BatchStatus.STARTED);
		assertThat(after.getWriteCount()).as("the worker's commit stands").isEqualTo(50);
		assertThat(registry.holds(id, a.id())).as("still claimed by the gone worker").isTrue();
		assertThat(resent).isEmpty();
		assertThat(registry.orphans(List.of(id))).as("so the next poll finds it again").containsExactly(orphan);

		assertThat(new PartitionHandOver(store).handOver(orphan, false)).contains("handed to another worker");
		StepExecution handedOver = repository.getStepExecution(id);
		assertThat(handedOver.getStatus()).isEqualTo(BatchStatus.STARTING);
		assertThat(handedOver.getExitStatus().getExitCode()).isEqualTo("FAILED");
		assertThat(handedOver.getWriteCount()).isEqualTo(50);
		assertThat(resent).containsExactly(id);
		assertThat(registry.claimed(id)).isFalse();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aWorkerTakingTheClaimOverWaitsForTheHandOverAndThenKeepsIt(TestDatabase.Kind kind) throws Exception {
		WorkerRegistry registry = registry(kind);
		JobRepository repository = jobRepository();
		long id = runningPartition(repository).getId();
		WorkerRegistry.Worker a = new WorkerRegistry.Worker("host-a-1-aa", "host-a", 1);
		WorkerRegistry.Worker b = new WorkerRegistry.Worker("host-b-2-bb", "host-b", 2);
		registry.join(a);
		registry.join(b);
		assertThat(registry.claim(id, a.id())).isTrue();
		silence(a.id(), 31);
		WorkerRegistry.Orphan orphan = registry.orphans(List.of(id)).get(0);
		List<Long> resent = new ArrayList<>();
		RepositoryHandOverStore store = new RepositoryHandOverStore(repository, registry,
				new TransactionTemplate(new JdbcTransactionManager(pool)), resent::add);
		CompletableFuture<Boolean>[] takeOver = new CompletableFuture[1];
		assertThat(store.markIfStillHeld(orphan, partition -> {
			// a redelivered request reaches worker b while the manager marks the partition
			takeOver[0] = CompletableFuture.supplyAsync(() -> registry.claim(id, b.id()));
			try {
				Thread.sleep(300);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			assertThat(takeOver[0]).as("b waits for the manager's transaction").isNotDone();
			partition.setStatus(BatchStatus.STARTING);
		})).isTrue();
		assertThat(takeOver[0].get(10, TimeUnit.SECONDS)).as("then takes it over from the gone worker").isTrue();
		assertThat(repository.getStepExecution(id).getStatus()).isEqualTo(BatchStatus.STARTING);
		store.resend(id);
		assertThat(store.release(orphan)).as("b's claim is not the gone worker's to release").isFalse();
		assertThat(registry.holds(id, b.id())).isTrue();
	}
}
