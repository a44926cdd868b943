package io.keyshift.remote;

import java.util.function.Consumer;
import java.util.function.LongConsumer;

import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The hand-over's store: the job repository and the claims in the shared database, the requests
 * through the broker. The partition is marked in the transaction that locks its claim, which the
 * job repository's update joins: a worker taking the claim over waits for it, and a version
 * conflict rolls it back whole.
 */
public class RepositoryHandOverStore implements PartitionHandOver.Store {

	private final JobRepository jobRepository;

	private final WorkerRegistry registry;

	private final TransactionTemplate transaction;

	private final LongConsumer resend;

	public RepositoryHandOverStore(JobRepository jobRepository, WorkerRegistry registry, TransactionTemplate transaction,
			LongConsumer resend) {
		this.jobRepository = jobRepository;
		this.registry = registry;
		this.transaction = transaction;
		this.resend = resend;
	}

	@Override
	public boolean markIfStillHeld(WorkerRegistry.Orphan orphan, Consumer<StepExecution> mark) {
		return Boolean.TRUE.equals(transaction.execute(tx -> {
			if (!registry.stillHeld(orphan)) {
				return false;
			}
			StepExecution partition = jobRepository.getStepExecution(orphan.stepExecutionId());
			if (partition == null || !partition.getStatus().isRunning()) {
				return false;
			}
			mark.accept(partition);
			jobRepository.update(partition);
			return true;
		}));
	}

	@Override
	public void resend(long stepExecutionId) {
		resend.accept(stepExecutionId);
	}

	@Override
	public boolean release(WorkerRegistry.Orphan orphan) {
		return registry.release(orphan);
	}
}
