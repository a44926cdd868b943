package io.keyshift.store;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Makes an embedded H2 database keep what it committed when the process is killed (SIGKILL, out of
 * memory, power). H2 has no write-ahead log: a commit lives in memory until a background thread
 * writes the store, up to {@code WRITE_DELAY} ms (500 by default) later, and that thread can write
 * while another connection's transaction is half way through its commit. A process killed then
 * reopens with part of a transaction kept and part rolled back: measured with a two-thread writer
 * killed at random (a chunk's token changes kept, its decisions gone). With {@code WRITE_DELAY} 0
 * there is no background writer: each commit writes the store itself, in the committing thread,
 * once that transaction is whole; with one writing connection at a time, what is on disk is always
 * a whole number of transactions. PostgreSQL commits durably already: nothing to do there.
 */
public final class H2Commits {

	private H2Commits() {
	}

	/** Undoes {@link #writeEachAtOnce(JdbcTemplate)}. */
	public interface Handle extends AutoCloseable {

		@Override
		void close();
	}

	/**
	 * Until the returned handle is closed, every commit reaches the database file before it returns
	 * (on H2; nothing on PostgreSQL). H2's setting is per database, so the old value is put back on
	 * close. A user who may not change it (not an admin) gets H2's usual delay.
	 */
	public static Handle writeEachAtOnce(JdbcTemplate jdbc) {
		if (Dialect.of(jdbc) != Dialect.H2) {
			return () -> {
			};
		}
		try {
			String old = jdbc.query("select setting_value from information_schema.settings"
					+ " where setting_name = 'WRITE_DELAY'", rs -> rs.next() ? rs.getString(1) : null);
			jdbc.execute("set write_delay 0");
			int restore = old == null || !old.matches("\\d{1,9}") ? 500 : Integer.parseInt(old);
			return () -> {
				try {
					jdbc.execute("set write_delay " + restore);
				}
				catch (DataAccessException ex) {
					// the run's own outcome stands: H2 only keeps writing each commit at once until it closes
				}
			};
		}
		catch (DataAccessException ex) {
			return () -> {
			};
		}
	}
}
