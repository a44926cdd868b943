package io.keyshift.store;

import java.util.ArrayList;
import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Buffers rows for one parameterised INSERT and sends them as JDBC batches: one round trip per
 * batch rather than per row. Used on H2, where the database runs in-process.
 */
final class BatchInsert implements TableWriter {

	private final JdbcTemplate jdbc;

	private final String sql;

	private final int[] types;

	private final int batchSize;

	private final List<Object[]> rows;

	BatchInsert(JdbcTemplate jdbc, String table, String[] columns, int[] types, int batchSize) {
		this.jdbc = jdbc;
		this.sql = "insert into " + table + " (" + String.join(", ", columns) + ") values ("
				+ "?, ".repeat(columns.length - 1) + "?)";
		this.types = types;
		this.batchSize = batchSize;
		this.rows = new ArrayList<>(Math.min(batchSize, 4096));
	}

	@Override
	public boolean add(Object... values) {
		rows.add(values);
		return rows.size() >= batchSize;
	}

	@Override
	public void flush() {
		detach().run();
	}

	@Override
	public Runnable detach() {
		if (rows.isEmpty()) {
			return () -> {
			};
		}
		List<Object[]> batch = new ArrayList<>(rows);
		rows.clear();
		return () -> jdbc.batchUpdate(sql, batch, types);
	}
}
