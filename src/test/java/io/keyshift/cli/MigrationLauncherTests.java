package io.keyshift.cli;

import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.TransactionSystemException;

import static org.assertj.core.api.Assertions.assertThat;

class MigrationLauncherTests {

	private static final SQLException TERMINATED = new SQLException(
			"FATAL: terminating connection due to administrator command", "57P01");

	@Test
	void aTerminatedBackendIsTransientEvenBehindTheRollbackThatFailedAfterIt() {
		// the chunk fails on the dead connection, then its rollback fails on the closed one: the step
		// records the rollback failure, whose own cause carries no SQL state
		TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed",
				new SQLException("Connection is closed"));
		rollback.initApplicationException(new DataAccessResourceFailureException("PreparedStatementCallback", TERMINATED));
		assertThat(MigrationLauncher.isTransient(List.of(rollback))).isTrue();
		assertThat(MigrationLauncher.cause(List.of(rollback)))
			.isEqualTo("FATAL: terminating connection due to administrator command");
	}

	@Test
	void aCommitOrRollbackThatFailedOnAClosedConnectionIsTransient() {
		// the commit failed as the server ended the session; its rollback, on the connection the pool
		// had closed meanwhile, replaced it: nothing is left of the SQL state
		TransactionSystemException rollback = new TransactionSystemException("JDBC rollback failed",
				new SQLException("Connection is closed"));
		assertThat(MigrationLauncher.isTransient(List.of(rollback))).isTrue();
		assertThat(MigrationLauncher.cause(List.of(rollback))).isEqualTo("Connection is closed");
	}

	@Test
	void lostConnectionsSerializationFailuresAndDeadlocksAreTransient() {
		for (String state : List.of("08006", "08003", "40001", "40P01", "57P01")) {
			assertThat(MigrationLauncher.isTransient(List.of(new RuntimeException(new SQLException("x", state)))))
				.as(state)
				.isTrue();
		}
		Exception suppressed = new IllegalStateException("close failed");
		suppressed.addSuppressed(new SQLException("An I/O error occurred while sending to the backend.", "08006"));
		assertThat(MigrationLauncher.isTransient(List.of(suppressed))).isTrue();
	}

	@Test
	void aConstraintViolationOrABugIsNot() {
		assertThat(MigrationLauncher.isTransient(List.of(new DataIntegrityViolationException("duplicate",
				new SQLException("duplicate key value violates unique constraint", "23505")))))
			.isFalse();
		assertThat(MigrationLauncher.isTransient(List.of(new IllegalStateException("bug")))).isFalse();
		assertThat(MigrationLauncher.cause(List.of(new IllegalStateException("outer", new IllegalArgumentException("inner.")))))
			.isEqualTo("inner");
	}

	@Test
	void theCauseIsOneLineWithoutItsFullStop() {
		assertThat(MigrationLauncher.cause(List.of(new SQLException("An I/O error occurred.\nDetail: more", "08006"))))
			.isEqualTo("An I/O error occurred");
	}
}
