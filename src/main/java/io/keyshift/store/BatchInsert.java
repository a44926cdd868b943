package io.keyshift.store;

import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Buffers rows for one parameterised INSERT and sends them as JDBC batches, so loading a large file
 * costs one round trip per batch rather than one per row.
 */
final class BatchInsert {

	private final JdbcTemplate jdbc;

	private final String sql;

	private final int[] types;

	private final int batchSize;

	private final List<Object[]> rows;

	private long written;

	BatchInsert(JdbcTemplate jdbc, String sql, int[] types, int batchSize) {
		this.jdbc = jdbc;
		this.sql = sql;
		this.types = types;
		this.batchSize = batchSize;
		this.rows = new ArrayList<>(batchSize);
	}

	/** Adds a row; returns true when the buffer is full and should be flushed. */
	boolean add(Object... values) {
		rows.add(values);
		return rows.size() >= batchSize;
	}

	void flush() {
		if (!rows.isEmpty()) {
			jdbc.batchUpdate(sql, rows, types);
			written += rows.size();
			rows.clear();
		}
	}

	long written() {
		return written;
	}
}
