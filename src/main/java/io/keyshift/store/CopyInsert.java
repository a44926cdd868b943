package io.keyshift.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;

import javax.sql.DataSource;

import org.postgresql.PGConnection;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.jdbc.support.SQLErrorCodeSQLExceptionTranslator;

/**
 * Buffers rows as CSV and sends them with PostgreSQL's {@code COPY ... FROM STDIN}: several times
 * faster than batched INSERTs for bulk rows. Uses the connection of the current transaction.
 */
final class CopyInsert implements TableWriter {

	private final DataSource dataSource;

	private final String table;

	private final String copySql;

	private final int batchSize;

	private final StringBuilder csv = new StringBuilder(1 << 16);

	private int rows;

	private OffsetDateTime lastTimestamp;

	private String lastTimestampText;

	CopyInsert(DataSource dataSource, String table, String[] columns, int batchSize) {
		this.dataSource = dataSource;
		this.table = table;
		this.copySql = "copy " + table + " (" + String.join(", ", columns) + ") from stdin (format csv)";
		this.batchSize = batchSize;
	}

	@Override
	public boolean add(Object... values) {
		for (int i = 0; i < values.length; i++) {
			if (i > 0) {
				csv.append(',');
			}
			append(values[i]);
		}
		csv.append('\n');
		rows++;
		return rows >= batchSize;
	}

	private void append(Object value) {
		if (value == null) {
			return; // an unquoted empty field is NULL in COPY's CSV format
		}
		if (value instanceof String s) {
			csv.append('"');
			if (s.indexOf('"') < 0) {
				csv.append(s);
			}
			else {
				csv.append(s.replace("\"", "\"\""));
			}
			csv.append('"');
		}
		else if (value instanceof Long n) {
			csv.append(n.longValue());
		}
		else if (value instanceof OffsetDateTime t) {
			csv.append(timestamp(t));
		}
		else {
			csv.append(value);
		}
	}

	/**
	 * ISO-8601 text of a timestamp, which PostgreSQL reads as is. Many rows of a chunk carry the same
	 * instant (the run's "now"), so the last one is kept; {@code toString} is several times cheaper
	 * than a {@code DateTimeFormatter}.
	 */
	private String timestamp(OffsetDateTime t) {
		if (t != lastTimestamp) {
			lastTimestamp = t;
			lastTimestampText = t.toString();
		}
		return lastTimestampText;
	}

	@Override
	public void flush() {
		detach().run();
	}

	@Override
	public Runnable detach() {
		if (rows == 0) {
			return () -> {
			};
		}
		byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
		csv.setLength(0);
		rows = 0;
		return () -> send(bytes);
	}

	private void send(byte[] bytes) {
		Connection connection = DataSourceUtils.getConnection(dataSource);
		try {
			connection.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql, new ByteArrayInputStream(bytes));
		}
		catch (SQLException ex) {
			throw new SQLErrorCodeSQLExceptionTranslator(dataSource).translate("copy into " + table, null, ex);
		}
		catch (IOException ex) {
			throw new DataAccessResourceFailureException("copy into " + table + " failed", ex);
		}
		finally {
			DataSourceUtils.releaseConnection(connection, dataSource);
		}
	}
}
