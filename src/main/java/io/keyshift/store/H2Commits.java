package io.keyshift.store;

import java.util.List;

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

	/** H2's own {@code WRITE_DELAY}, in ms. */
	static final int H2_DEFAULT_WRITE_DELAY = 500;

	/**
	 * Until the returned handle is closed, every commit reaches the database file before it returns
	 * (on H2; nothing on PostgreSQL). H2 keeps the setting in the database file, so it is put back on
	 * close: to a value the operator set, else to H2's default. A 0 found here is taken for what a
	 * killed run left behind (a kill skips the close), not for a choice, and becomes the default again
	 * at the end of the next run. A user who may not change it (not an admin) gets H2's usual delay.
	 */
	public static Handle writeEachAtOnce(JdbcTemplate jdbc) {
		return writeEachAtOnce(jdbc, Dialect.of(jdbc));
	}

	/** As {@link #writeEachAtOnce(JdbcTemplate)}, for a caller that knows the database's dialect already. */
	public static Handle writeEachAtOnce(JdbcTemplate jdbc, Dialect dialect) {
		if (dialect != Dialect.H2) {
			return () -> {
			};
		}
		try {
			// H2 lists WRITE_DELAY twice (the database's value and its built-in default), in no set order
			int restore = restoreValue(jdbc.queryForList(
					"select setting_value from information_schema.settings where setting_name = 'WRITE_DELAY'",
					String.class));
			jdbc.execute("set write_delay 0");
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

	/** The value to put back: one the operator chose (neither 0 nor the default), else the default. */
	static int restoreValue(List<String> listed) {
		for (String value : listed) {
			if (value != null && value.strip().matches("\\d{1,9}")) {
				int delay = Integer.parseInt(value.strip());
				if (delay != 0 && delay != H2_DEFAULT_WRITE_DELAY) {
					return delay;
				}
			}
		}
		return H2_DEFAULT_WRITE_DELAY;
	}
}
