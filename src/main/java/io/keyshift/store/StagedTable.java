package io.keyshift.store;

import java.util.ArrayList;
import java.util.List;

import io.keyshift.input.InputProblem;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A staging table's bulk writer that keeps the rows of its open batch, so that when the database
 * refuses a batch (a value no input rule foresaw) the row it refuses can be named by file and line:
 * each row of the batch is tried alone, in a transaction rolled back at once. The run then stops
 * with that file and line instead of failing the same way on every rerun.
 */
final class StagedTable {

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final String table;

	private final String[] columns;

	private final int[] types;

	/** The input file the rows come from; null when each row names it (rejects: file, then line). */
	private final String file;

	private final TableWriter writer;

	private List<Object[]> rows = new ArrayList<>();

	StagedTable(JdbcTemplate jdbc, Dialect dialect, String file, String table, String[] columns, int[] types,
			int batchSize) {
		this.jdbc = jdbc;
		this.dialect = dialect;
		this.file = file;
		this.table = table;
		this.columns = columns;
		this.types = types;
		this.writer = dialect.writer(jdbc, table, columns, types, batchSize);
	}

	/** Buffers a row; true when the batch is full. */
	boolean add(Object... values) {
		rows.add(values);
		return writer.add(values);
	}

	/** The open batch, to send (in the transaction of whichever thread runs it), and its rows. */
	Batch detach() {
		Batch batch = new Batch(writer.detach(), rows);
		rows = new ArrayList<>();
		return batch;
	}

	record Batch(Runnable send, List<Object[]> rows) {
	}

	/**
	 * What to throw for a failed batch: when the database refused a value, an {@link InputProblem}
	 * naming the first row it refuses alone; any other failure (a lost connection) as it is. Call it
	 * outside the failed transaction.
	 */
	RuntimeException explain(List<Object[]> batch, RuntimeException failure, TransactionTemplate tx) {
		if (!(failure instanceof DataIntegrityViolationException || failure instanceof UncategorizedSQLException)) {
			return failure;
		}
		for (Object[] row : batch) {
			try {
				tx.executeWithoutResult(status -> {
					status.setRollbackOnly();
					TableWriter one = dialect.writer(jdbc, table, columns, types, 1);
					one.add(row);
					one.flush();
				});
			}
			catch (DataIntegrityViolationException | UncategorizedSQLException refused) {
				return new InputProblem(origin(row) + ": the database refused this row (" + cause(refused)
						+ "); fix the row in the export and run the command again", failure);
			}
			catch (RuntimeException other) {
				// the database went away meanwhile: not a refused value, so the failure as it was (a restart resumes)
				failure.addSuppressed(other);
				return failure;
			}
		}
		return failure;
	}

	private String origin(Object[] row) {
		return file != null ? file + " line " + row[1] : row[1] + " line " + row[2] + " (its entry in rejects)";
	}

	/** The database's first line about it, bounded, control characters spelled out. */
	private static String cause(org.springframework.dao.DataAccessException refused) {
		Throwable root = refused.getMostSpecificCause();
		String message = root.getMessage() == null ? root.getClass().getSimpleName()
				: root.getMessage().lines().findFirst().orElse("");
		StringBuilder out = new StringBuilder();
		message.codePoints().limit(200).forEach(c -> {
			if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
				out.append(String.format("U+%04X", c));
			}
			else {
				out.appendCodePoint(c);
			}
		});
		return out.toString();
	}
}
