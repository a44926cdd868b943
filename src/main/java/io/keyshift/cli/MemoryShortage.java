package io.keyshift.cli;

import java.sql.SQLException;
import java.util.List;

/**
 * Tells a run that ran out of Java heap from any other failure, so that the operator reads "memory"
 * and what to change, not the symptom (on H2, "The database has been closed": the embedded database
 * shuts itself down when a statement runs out of memory, and every later statement gets that).
 */
final class MemoryShortage {

	/** H2: a statement ran out of memory (the database then shuts itself down). */
	static final int H2_OUT_OF_MEMORY = 90108;

	/** H2: the database was shut down after a fatal error inside the process, usually running out of memory. */
	static final int H2_DATABASE_CLOSED = 90098;

	private MemoryShortage() {
	}

	/**
	 * The one-line cause when {@code failures} (with everything behind them) show the heap ran out,
	 * or H2 closed itself after a fatal error; else null.
	 */
	static String explain(List<Throwable> failures, long maxHeapBytes) {
		boolean outOfMemory = false;
		boolean h2Closed = false;
		for (Throwable t : failures) {
			if (t instanceof OutOfMemoryError) {
				outOfMemory = true;
			}
			if (t instanceof SQLException sql) {
				outOfMemory |= sql.getErrorCode() == H2_OUT_OF_MEMORY;
				h2Closed |= sql.getErrorCode() == H2_DATABASE_CLOSED && isH2(sql);
			}
		}
		String limit = "the heap limit is " + maxHeapBytes / (1024 * 1024) + " MB";
		String remedy = "; give it more (KEYSHIFT_HEAP=1g bin/keyshift ..., or java -Xmx1g -jar keyshift.jar ...)"
				+ " and rerun the same command to resume from the last commit";
		if (outOfMemory) {
			return "the Java heap ran out of memory (" + limit + ")" + remedy;
		}
		if (h2Closed) {
			return "the embedded H2 database closed itself after a fatal error in this process, most likely the"
					+ " Java heap running out of memory (" + limit + ")" + remedy
					+ " (or use PostgreSQL for exports this big)";
		}
		return null;
	}

	/** As {@link #explain(List, long)} for one failure, with its causes and suppressed exceptions; the heap of this JVM. */
	static String explain(Throwable failure) {
		List<Throwable> all = new java.util.ArrayList<>();
		java.util.Set<Throwable> seen = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
		java.util.Deque<Throwable> todo = new java.util.ArrayDeque<>(List.of(failure));
		while (!todo.isEmpty()) {
			Throwable t = todo.pop();
			if (seen.add(t)) {
				all.add(t);
				if (t.getCause() != null) {
					todo.add(t.getCause());
				}
				todo.addAll(List.of(t.getSuppressed()));
			}
		}
		return explain(all, Runtime.getRuntime().maxMemory());
	}

	/** Whether {@code failure} (with its causes) is the heap running out for sure: an OutOfMemoryError or H2's own "Out of memory". */
	static boolean heapRanOut(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof OutOfMemoryError || (t instanceof SQLException sql && sql.getErrorCode() == H2_OUT_OF_MEMORY)) {
				return true;
			}
			for (Throwable suppressed : t.getSuppressed()) {
				if (suppressed instanceof OutOfMemoryError) {
					return true;
				}
			}
		}
		return false;
	}

	private static boolean isH2(SQLException sql) {
		return sql.getClass().getName().startsWith("org.h2.");
	}
}
