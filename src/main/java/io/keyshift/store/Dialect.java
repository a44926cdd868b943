package io.keyshift.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The few places where PostgreSQL and H2 need different SQL. Everything else in the store is
 * written once, in SQL both accept.
 */
public enum Dialect {

	POSTGRESQL, H2;

	public static Dialect of(JdbcTemplate jdbc) {
		String product = jdbc.execute((ConnectionCallback<String>) Dialect::product);
		return product != null && product.toLowerCase().contains("postgres") ? POSTGRESQL : H2;
	}

	private static String product(Connection connection) throws SQLException {
		return connection.getMetaData().getDatabaseProductName();
	}

	/**
	 * A bulk writer for one table: COPY on PostgreSQL, JDBC batches on H2. {@code types} are the
	 * JDBC types of the columns, for the batch writer.
	 */
	TableWriter writer(JdbcTemplate jdbc, String table, String[] columns, int[] types, int batchSize) {
		return this == POSTGRESQL ? new CopyInsert(jdbc.getDataSource(), table, columns, batchSize)
				: new BatchInsert(jdbc, table, columns, types, batchSize);
	}

	/**
	 * Lets the current transaction's sorts and hashes use {@code size} of memory before spilling to
	 * disk (PostgreSQL's default is 4MB). H2 has no such setting.
	 */
	void workMem(JdbcTemplate jdbc, String size) {
		if (this == POSTGRESQL) {
			jdbc.execute("set local work_mem = '" + size + "'");
		}
	}

	/** Refreshes the planner's statistics after a bulk load, so the first queries get good plans. */
	public void analyze(JdbcTemplate jdbc, List<String> tables) {
		for (String table : tables) {
			jdbc.execute(this == POSTGRESQL ? "analyze " + table : "analyze table " + table);
		}
	}
}
