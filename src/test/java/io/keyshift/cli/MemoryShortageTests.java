package io.keyshift.cli;

import java.sql.SQLException;
import java.util.List;

import org.h2.api.ErrorCode;
import org.h2.message.DbException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MemoryShortageTests {

	private static final long HEAP = 512L * 1024 * 1024;

	@Test
	void anOutOfMemoryErrorIsTheHeapRunningOut() {
		assertThat(MemoryShortage.explain(List.of(new IllegalStateException("step failed"),
				new OutOfMemoryError("Java heap space")), HEAP))
			.startsWith("the Java heap ran out of memory (the heap limit is 512 MB); give it more (KEYSHIFT_HEAP=1g")
			.contains("rerun the same command to resume");
	}

	@Test
	void h2sOwnOutOfMemoryErrorCodeIsTheHeapRunningOut() {
		SQLException h2 = DbException.get(ErrorCode.OUT_OF_MEMORY).getSQLException();
		assertThat(MemoryShortage.explain(List.of(h2), HEAP)).startsWith("the Java heap ran out of memory");
	}

	@Test
	void h2ClosedAfterAFatalErrorNamesMemoryAsTheLikelyCause() {
		// what a run saw after H2 had shut itself down: "The database has been closed [90098]", nothing behind it
		SQLException closed = DbException.get(ErrorCode.DATABASE_IS_CLOSED).getSQLException();
		assertThat(closed.getMessage()).contains("The database has been closed");
		assertThat(MemoryShortage.explain(List.of(closed), HEAP))
			.startsWith("the embedded H2 database closed itself after a fatal error in this process, most likely the"
					+ " Java heap running out of memory (the heap limit is 512 MB)")
			.contains("PostgreSQL");
	}

	@Test
	void otherFailuresAreNotAboutMemory() {
		assertThat(MemoryShortage.explain(List.of(new SQLException("connection refused", "08001", 0),
				new SQLException("not h2", "90098", 90098), new IllegalStateException("boom")), HEAP)).isNull();
	}

	@Test
	void aFailureIsSearchedThroughItsCausesAndSuppressedExceptions() {
		// as Spring's JdbcTemplate hands on H2's "Out of memory" from a verify query, and a start that ran out
		SQLException h2 = DbException.get(ErrorCode.OUT_OF_MEMORY).getSQLException();
		RuntimeException wrapped = new org.springframework.dao.DataAccessResourceFailureException("select ...",
				new IllegalStateException("statement failed", h2));
		assertThat(MemoryShortage.explain(wrapped)).startsWith("the Java heap ran out of memory");
		IllegalStateException context = new IllegalStateException("context refresh failed");
		context.addSuppressed(new OutOfMemoryError("Java heap space"));
		assertThat(MemoryShortage.explain(context)).startsWith("the Java heap ran out of memory");
		assertThat(MemoryShortage.explain(new org.springframework.dao.DataAccessResourceFailureException("refused",
				new SQLException("connection refused", "08001", 0)))).isNull();
	}

	@Test
	void onlyACertainShortageIsTheHeapRunningOutAtStart() {
		assertThat(MemoryShortage.heapRanOut(new IllegalStateException("start", new OutOfMemoryError("Java heap space"))))
			.isTrue();
		assertThat(MemoryShortage.heapRanOut(new IllegalStateException("start",
				DbException.get(ErrorCode.OUT_OF_MEMORY).getSQLException()))).isTrue();
		// H2 closed after some fatal error: perhaps memory, perhaps a full disk; not said for sure
		assertThat(MemoryShortage.heapRanOut(new IllegalStateException("start",
				DbException.get(ErrorCode.DATABASE_IS_CLOSED).getSQLException()))).isFalse();
	}
}
