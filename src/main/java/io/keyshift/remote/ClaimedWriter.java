package io.keyshift.remote;

import java.util.Set;

import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The migrate writer on a worker: before a chunk is written, inside its transaction, it checks with
 * share locks that this worker still holds the partition and that the run is still running. A
 * take-over of the partition, or a launch marking the run failed, waits for this chunk to commit,
 * and every chunk after it sees the change and rolls back: two processes never write the same
 * partition, so no token is minted twice.
 */
public class ClaimedWriter<T> implements ItemWriter<T> {

	private static final Set<String> RUNNING = Set.of("STARTED", "STOPPING");

	private final ItemWriter<T> delegate;

	private final WorkerRegistry registry;

	private final JdbcTemplate jdbc;

	private final String workerId;

	private final long stepExecutionId;

	private final long jobExecutionId;

	public ClaimedWriter(ItemWriter<T> delegate, WorkerRegistry registry, JdbcTemplate jdbc, String workerId,
			long stepExecutionId, long jobExecutionId) {
		this.delegate = delegate;
		this.registry = registry;
		this.jdbc = jdbc;
		this.workerId = workerId;
		this.stepExecutionId = stepExecutionId;
		this.jobExecutionId = jobExecutionId;
	}

	@Override
	public void write(Chunk<? extends T> chunk) throws Exception {
		String status = jdbc.queryForObject(
				"select status from batch_job_execution where job_execution_id = ? for share", String.class,
				jobExecutionId);
		if (!RUNNING.contains(status)) {
			throw new PartitionTakenOver("the run is no longer running (its execution is " + status
					+ "): this worker stops writing partition " + stepExecutionId);
		}
		if (!registry.holds(stepExecutionId, workerId)) {
			throw new PartitionTakenOver("another worker took partition " + stepExecutionId
					+ " over: this worker stops writing it");
		}
		delegate.write(chunk);
	}
}
