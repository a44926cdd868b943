package io.keyshift.remote;

import java.time.Duration;
import java.util.List;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The workers' signs of life and the partitions they hold, in the shared database: each worker
 * beats (updates its row) every few seconds; a worker whose last beat is older than the worker
 * timeout, or whose row is gone (it left), is gone. A partition is run by the one worker that
 * claims it; another worker may take the claim over only from a worker that is gone. All times are
 * the database's, so the hosts' clocks never have to agree.
 */
public class WorkerRegistry implements PartitionWatch.Workers {

	private final JdbcTemplate jdbc;

	private final Duration timeout;

	/** PostgreSQL's share lock; H2 (where no remote worker runs, but the tables exist) has only FOR UPDATE. */
	private final String shareLock;

	public WorkerRegistry(JdbcTemplate jdbc, Duration timeout) {
		this.jdbc = jdbc;
		this.timeout = timeout;
		this.shareLock = io.keyshift.store.Dialect.of(jdbc) == io.keyshift.store.Dialect.H2 ? "for update" : "for share";
	}

	/** A worker, as the manager names it in what it prints. */
	public record Worker(String id, String host, long pid) {

		/** This process as a worker: host, pid and a random suffix, so a reused pid is another worker. */
		public static Worker ofThisProcess() {
			String host;
			try {
				host = java.net.InetAddress.getLocalHost().getHostName();
			}
			catch (java.io.IOException ex) {
				host = "unknown-host";
			}
			long pid = ProcessHandle.current().pid();
			String suffix = Integer.toHexString(new java.security.SecureRandom().nextInt(0x10000));
			String id = host + "-" + pid + "-" + suffix;
			return new Worker(id.length() > 100 ? id.substring(id.length() - 100) : id, host, pid);
		}

		@Override
		public String toString() {
			return "worker " + id + " (host " + host + ", pid " + pid + ")";
		}
	}

	public void join(Worker worker) {
		jdbc.update("""
				insert into keyshift_worker (worker_id, host, pid, started_at, last_beat)
				values (?, ?, ?, current_timestamp, current_timestamp)""", worker.id(), worker.host(), worker.pid());
	}

	/** Returns false when this worker's row is gone (it was declared gone and removed): it must stop. */
	public boolean beat(String workerId) {
		return jdbc.update("update keyshift_worker set last_beat = current_timestamp where worker_id = ?",
				workerId) == 1;
	}

	/** The worker leaves: its partitions are free for others at once. */
	public void leave(String workerId) {
		jdbc.update("delete from keyshift_worker where worker_id = ?", workerId);
	}

	/** How many workers have beaten within the timeout. */
	@Override
	public int liveWorkers() {
		Integer count = jdbc.queryForObject("select count(*) from keyshift_worker where last_beat > " + cutoff(),
				Integer.class);
		return count == null ? 0 : count;
	}

	/**
	 * Claims partition {@code stepExecutionId} for {@code workerId}: true when it had no claim, was
	 * this worker's already, or its worker is gone (the claim is taken over); false when a live
	 * worker holds it. Two workers racing for the same partition: one insert or update wins.
	 */
	public boolean claim(long stepExecutionId, String workerId) {
		try {
			if (jdbc.update("""
					insert into keyshift_partition_claim (step_execution_id, worker_id, claimed_at)
					values (?, ?, current_timestamp)""", stepExecutionId, workerId) == 1) {
				return true;
			}
		}
		catch (DuplicateKeyException ex) {
			// claimed before: by this worker, a live one, or a gone one
		}
		List<String> holder = jdbc.queryForList(
				"select worker_id from keyshift_partition_claim where step_execution_id = ?", String.class,
				stepExecutionId);
		if (holder.isEmpty()) {
			return claim(stepExecutionId, workerId);
		}
		if (holder.get(0).equals(workerId)) {
			return true;
		}
		return jdbc.update("update keyshift_partition_claim set worker_id = ?, claimed_at = current_timestamp"
				+ " where step_execution_id = ? and worker_id = ? and worker_id not in (select worker_id from"
				+ " keyshift_worker where last_beat > " + cutoff() + ")", workerId, stepExecutionId,
				holder.get(0)) == 1;
	}

	/**
	 * Whether {@code workerId} still holds partition {@code stepExecutionId}, read with a share lock
	 * (inside a chunk's transaction): a take-over waits for the chunk, and a chunk after it sees it.
	 */
	public boolean holds(long stepExecutionId, String workerId) {
		List<String> holder = jdbc.queryForList(
				"select worker_id from keyshift_partition_claim where step_execution_id = ? " + shareLock, String.class,
				stepExecutionId);
		return holder.size() == 1 && holder.get(0).equals(workerId);
	}

	/** The worker that holds partition {@code stepExecutionId} now, or "" when none does (no lock). */
	public String holder(long stepExecutionId) {
		List<String> holder = jdbc.queryForList(
				"select worker_id from keyshift_partition_claim where step_execution_id = ?", String.class,
				stepExecutionId);
		return holder.isEmpty() ? "" : holder.get(0);
	}

	/** The claims among {@code stepExecutionIds} whose worker is gone, as (step execution id, worker) pairs. */
	@Override
	public List<Orphan> orphans(List<Long> stepExecutionIds) {
		if (stepExecutionIds.isEmpty()) {
			return List.of();
		}
		String ids = String.join(",", stepExecutionIds.stream().map(id -> Long.toString(id)).toList());
		return jdbc.query("select c.step_execution_id, c.worker_id, w.host, w.pid from keyshift_partition_claim c"
				+ " left join keyshift_worker w on w.worker_id = c.worker_id where c.step_execution_id in (" + ids
				+ ") and (w.worker_id is null or w.last_beat <= " + cutoff() + ")",
				(rs, row) -> new Orphan(rs.getLong(1),
						new Worker(rs.getString(2), rs.getString(3) == null ? "?" : rs.getString(3), rs.getLong(4))));
	}

	/** A partition whose worker is gone. */
	public record Orphan(long stepExecutionId, Worker worker) {
	}

	/** Frees partition {@code stepExecutionId} from its gone worker, unless another worker took it meanwhile. */
	public boolean release(Orphan orphan) {
		return jdbc.update("delete from keyshift_partition_claim where step_execution_id = ? and worker_id = ?",
				orphan.stepExecutionId(), orphan.worker().id()) == 1;
	}

	/**
	 * Whether {@code orphan}'s gone worker still holds its partition, locking the claim until the
	 * caller's transaction ends: a worker taking the claim over meanwhile waits for that transaction,
	 * and then reads what it saved.
	 */
	public boolean stillHeld(Orphan orphan) {
		List<String> holder = jdbc.queryForList(
				"select worker_id from keyshift_partition_claim where step_execution_id = ? for update", String.class,
				orphan.stepExecutionId());
		return holder.size() == 1 && holder.get(0).equals(orphan.worker().id());
	}

	/** Whether a claim of partition {@code stepExecutionId} exists (a worker has begun on it, even if gone since). */
	@Override
	public boolean claimed(long stepExecutionId) {
		Integer count = jdbc.queryForObject(
				"select count(*) from keyshift_partition_claim where step_execution_id = ?", Integer.class,
				stepExecutionId);
		return count != null && count > 0;
	}

	/** The timeout as SQL both databases read: a whole number of seconds before now. */
	private String cutoff() {
		// the value is this process's own setting, a number: no input reaches the SQL text
		return "current_timestamp - interval '" + Math.max(1, timeout.toSeconds()) + "' second";
	}
}
