package io.keyshift.store;

import java.sql.Timestamp;
import java.time.LocalDateTime;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Whether a run's migrate workers wait on the pause file, kept in {@code run_record} so that
 * {@code keyshift status} (another process, maybe on another host) can say "paused": since when
 * ({@code paused_since}, null while the workers work) and how long this attempt was paused in all
 * ({@code paused_millis}, left out of the rate status shows). Written outside any chunk's transaction.
 */
public class PauseStore {

	private final JdbcTemplate jdbc;

	public PauseStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** A new attempt of the migrate step: not paused, and paused for no time yet. */
	public void start(long runId) {
		jdbc.update("update run_record set paused_since = null, paused_millis = 0 where run_id = ?", runId);
	}

	/** The workers wait from {@code since} (the run's clock, as Spring Batch's times). */
	public void paused(long runId, LocalDateTime since) {
		jdbc.update("update run_record set paused_since = ? where run_id = ?", Timestamp.valueOf(since), runId);
	}

	/** The workers go on after a pause of {@code millis}. */
	public void resumed(long runId, long millis) {
		jdbc.update("update run_record set paused_since = null, paused_millis = paused_millis + ? where run_id = ?",
				millis, runId);
	}
}
