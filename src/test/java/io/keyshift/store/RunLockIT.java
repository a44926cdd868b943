package io.keyshift.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import io.keyshift.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The run lock when the server ends its session: taken again if it is free, reported {@link
 * RunLock.Lost} if another session took it, and never released on the new holder's behalf.
 * PostgreSQL only: on H2 the lock is the database file, held by the process itself.
 */
class RunLockIT {

	@TempDir
	Path tmp;

	private TestDatabase db;

	private HikariDataSource dataSource;

	@BeforeEach
	void database() {
		db = TestDatabase.create(TestDatabase.Kind.POSTGRES, tmp);
		dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(db.url());
		dataSource.setUsername(setting("username"));
		dataSource.setPassword(setting("password"));
		dataSource.setMaximumPoolSize(4);
		Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
	}

	@AfterEach
	void drop() {
		dataSource.close();
		db.close();
	}

	@Test
	void aLockWhoseSessionEndedIsTakenAgainOnANewConnection() throws Exception {
		try (RunLock lock = RunLock.acquire(dataSource, Dialect.POSTGRESQL, "migrate --input x")) {
			assertThat(lock.ensureHeld()).isFalse();
			long first = holderSession();
			terminate(first);
			assertThat(lock.ensureHeld()).isTrue();
			assertThat(holderSession()).isNotEqualTo(first);
			assertThat(lock.ensureHeld()).isFalse();
			assertThat(holderPid()).isEqualTo(ProcessHandle.current().pid());
		}
		assertThat(sessions()).isZero();
		assertThat(holderPid()).isNull();
	}

	@Test
	void aLockTakenByAnotherSessionMeanwhileIsLostForGood() throws Exception {
		try (Connection other = connect()) {
			RunLock lock = RunLock.acquire(dataSource, Dialect.POSTGRESQL, "migrate --input x");
			try {
				try (Statement s = other.createStatement()) {
					s.executeUpdate("update run_holder set host = 'elsewhere', pid = 4242 where id = 1");
				}
				CompletableFuture<Void> taken = lockOn(other);
				awaitQueued();
				terminate(holderSession());
				taken.get(30, TimeUnit.SECONDS);

				assertThatThrownBy(lock::ensureHeld).isInstanceOf(RunLock.Lost.class)
					.hasMessageContaining("lost the run lock")
					.hasMessageContaining("host elsewhere, pid 4242");
				// and it stays lost, even once the lock is free again
				try (Statement s = other.createStatement(); ResultSet rs = s.executeQuery(
						"select pg_advisory_unlock(" + RunLock.KEY + ")")) {
					assertThat(rs.next() && rs.getBoolean(1)).as("the other session released the lock").isTrue();
				}
				assertThat(sessions()).as("nobody holds the lock").isZero();
				assertThatThrownBy(lock::ensureHeld).isInstanceOf(RunLock.Lost.class)
					.hasMessageContaining("host elsewhere, pid 4242");
				assertThat(sessions()).as("and this process did not take it again").isZero();
			}
			finally {
				lock.close();
			}
			// closing did not erase the new holder's record
			assertThat(holderPid()).isEqualTo(4242L);
		}
	}

	@Test
	void theWatcherTakesTheLockAgainOrReportsItLost() throws Exception {
		try (RunLock lock = RunLock.acquire(dataSource, Dialect.POSTGRESQL, "migrate --input x");
				Connection other = connect()) {
			CompletableFuture<Void> regained = new CompletableFuture<>();
			CompletableFuture<RunLock.Lost> lost = new CompletableFuture<>();
			lock.watch(Duration.ofMillis(50), new RunLock.Watcher() {
				@Override
				public void regained() {
					regained.complete(null);
				}

				@Override
				public void lost(RunLock.Lost ex) {
					lost.complete(ex);
				}
			});
			terminate(holderSession());
			regained.get(30, TimeUnit.SECONDS);

			CompletableFuture<Void> taken = lockOn(other);
			awaitQueued();
			terminate(holderSession());
			taken.get(30, TimeUnit.SECONDS);
			// the other session recorded no holder: the message does not name this process
			assertThat(lost.get(30, TimeUnit.SECONDS)).hasMessageContaining("holder unknown");
		}
	}

	private static final String SESSIONS = """
			select pid from pg_locks
			where locktype = 'advisory' and granted
			  and database = (select oid from pg_database where datname = current_database())
			  and classid::bigint = %d and objid::bigint = %d and objsubid = 1""".formatted(RunLock.KEY >>> 32,
			RunLock.KEY & 0xffffffffL);

	private long holderSession() throws SQLException {
		try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(SESSIONS)) {
			assertThat(rs.next()).as("a session holds the run lock").isTrue();
			return rs.getLong(1);
		}
	}

	private int sessions() throws SQLException {
		try (Connection c = connect();
				Statement s = c.createStatement();
				ResultSet rs = s.executeQuery("select count(*) from (" + SESSIONS + ") l")) {
			rs.next();
			return rs.getInt(1);
		}
	}

	private Long holderPid() throws SQLException {
		try (Connection c = connect();
				Statement s = c.createStatement();
				ResultSet rs = s.executeQuery("select pid from run_holder where id = 1")) {
			return rs.next() ? rs.getLong(1) : null;
		}
	}

	private void terminate(long pid) throws SQLException {
		try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("select pg_terminate_backend(?, 5000)")) {
			ps.setInt(1, (int) pid);
			try (ResultSet rs = ps.executeQuery()) {
				assertThat(rs.next() && rs.getBoolean(1)).as("backend %d terminated", pid).isTrue();
			}
		}
	}

	/** Waits until a session of the database (the other one) is queued for a lock. */
	/** Another session asks for the run lock; it waits until the lock is free, then holds it. */
	private static CompletableFuture<Void> lockOn(Connection other) {
		return CompletableFuture.runAsync(() -> {
			try (Statement s = other.createStatement()) {
				s.execute("select pg_advisory_lock(" + RunLock.KEY + ")");
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		});
	}

	private void awaitQueued() throws Exception {
		try (Connection c = connect()) {
			long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			while (System.nanoTime() < until) {
				try (Statement s = c.createStatement();
						ResultSet rs = s.executeQuery("select 1 from pg_stat_activity where wait_event_type = 'Lock'"
								+ " and datname = current_database()")) {
					if (rs.next()) {
						return;
					}
				}
				Thread.sleep(20);
			}
		}
		throw new IllegalStateException("no session queued for the run lock");
	}

	private Connection connect() throws SQLException {
		return DriverManager.getConnection(db.url(), setting("username"), setting("password"));
	}

	private String setting(String name) {
		String prefix = "--spring.datasource." + name + "=";
		return db.springArgs().stream().filter(a -> a.startsWith(prefix)).findFirst().orElseThrow()
			.substring(prefix.length());
	}
}
