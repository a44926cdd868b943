package io.keyshift.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.keyshift.generate.ExportGenerator;
import io.keyshift.store.RunLock;
import io.keyshift.support.ChildRun;
import io.keyshift.support.TestDatabase;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar in a child JVM while the test ends its PostgreSQL backends from outside
 * ({@code pg_terminate_backend}), as a server restart, failover or an operator would. PostgreSQL
 * only: the embedded H2 database lives inside the keyshift process and has no server backend to
 * kill.
 *
 * <p>The behaviour under test: a lost connection is a transient failure, retried from the last
 * commit with bounded backoff (5 attempts, pauses of 1, 2, 4, 8 s), so a single termination is
 * invisible to the operator apart from a line saying so, and the run exits 0. Past the limit the run
 * exits 1 with one line saying to rerun the same command, which resumes. Terminating every backend
 * also ends the run lock's session, and with it the advisory lock: the run takes the lock again on a
 * new connection before it writes more, and if another process took it in between, it stops at
 * once (exit 1) rather than write beside it. Every run ends equal to an uninterrupted run of the
 * same export, compared as {@link CrashRestartIT} does.
 */
@Tag("slow")
class BackendTerminationIT {

	private static final int USERS = 30_000;

	/** Generous: CI machines are shared; a run of this export takes about 25 s on an unloaded one. */
	private static final Duration RUN = Duration.ofMinutes(5);

	private static final String REGAINED = "this run holds it again on a new connection";

	@TempDir
	static Path tmp;

	private static Path export;

	private static Path key;

	private static String deliveryKey;

	private static TestDatabase reference;

	private final List<TestDatabase> databases = new ArrayList<>();

	private static final Map<ChildRun, Long> STARTED = new ConcurrentHashMap<>();

	/** The database password the child is given; the output must never show it. */
	private static String password;

	@BeforeAll
	static void exportAndReferenceRun() throws Exception {
		export = tmp.resolve("export");
		new ExportGenerator().generate(new ExportGenerator.Options(USERS, 11), export);
		byte[] raw = new byte[32];
		new SecureRandom().nextBytes(raw);
		deliveryKey = Base64.getEncoder().encodeToString(raw);
		key = tmp.resolve("delivery.key");
		Files.writeString(key, deliveryKey);
		reference = TestDatabase.create(TestDatabase.Kind.POSTGRES, Files.createDirectories(tmp.resolve("reference")));
		String configured = setting(reference, "password");
		// trust authentication ignores it; with a real password configured, that one is the secret
		password = configured.isEmpty() ? "pw-" + Long.toHexString(new SecureRandom().nextLong()) : configured;
		ChildRun straight = start(reference, "reference");
		assertThat(exit(straight, RUN)).as(straight.output()).isZero();
	}

	@AfterAll
	static void dropReference() {
		if (reference != null) {
			reference.close();
		}
	}

	@AfterEach
	void drop() {
		databases.forEach(TestDatabase::close);
	}

	@Test
	void everyBackendTerminatedAtAThirdIsRetriedAndTheRunCompletes() throws Exception {
		TestDatabase db = database("terminated");
		ChildRun run = start(db, "terminated");
		assertThat(run.awaitProgress(0.3, RUN)).as(run.output()).isTrue();
		int killed = terminateAll(db);
		// the lock's session and at least one of the job's
		assertThat(killed).as(run.output()).isGreaterThanOrEqualTo(2);

		assertThat(run.await(l -> l.contains(REGAINED), RUN)).as(run.output()).isTrue();
		assertThat(run.awaitProgress(0.5, RUN)).as(run.output()).isTrue();
		// frozen half way (it keeps its connections and locks), the lock is held again, by one session, in
		// the name of this process
		run.pause();
		try {
			assertThat(alive(run)).as("still running half way: " + run.output()).isTrue();
			assertThat(lockSessions(db)).as(run.output()).isEqualTo(1);
			assertThat(holderPid(db)).isEqualTo(run.pid());
		}
		finally {
			run.resume();
		}

		assertThat(exit(run, RUN)).as(run.output()).isZero();
		assertThat(run.output()).contains("hit a transient database error")
			.contains("(attempt 2 of 5)")
			.containsPattern("keyshift: run \\d+ completed")
			.doesNotContainIgnoringCase("rerun the same command");
		assertNoSecret(run.output());
		assertReleased(db);
		assertSameAsReference(db);
	}

	@Test
	void terminatedOverAndOverPastTheRetryBudgetFailsThenTheSameCommandResumes() throws Exception {
		TestDatabase db = database("hammered");
		ChildRun run = start(db, "hammered");
		assertThat(run.awaitProgress(0.3, RUN)).as(run.output()).isTrue();
		AtomicBoolean stop = new AtomicBoolean();
		AtomicInteger rounds = new AtomicInteger();
		Thread killer = new Thread(() -> {
			while (!stop.get()) {
				try {
					terminateAll(db);
					rounds.incrementAndGet();
				}
				catch (SQLException ex) {
					// the server is busy; the next round tries again
				}
				// four times a second: a resumed attempt must not get the time to finish the run between two
				// rounds (once a second was enough until the job got fast enough to do just that)
				sleep(Duration.ofMillis(250));
			}
		}, "backend-killer");
		killer.setDaemon(true);
		long started = System.nanoTime();
		killer.start();
		int exit;
		try {
			exit = exit(run, RUN);
		}
		finally {
			stop.set(true);
			killer.join(10_000);
		}
		long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
		System.out.printf("--- backends terminated %d times, every 250 ms, until the run gave up %d s later%n",
				rounds.get(), seconds);

		assertThat(exit).as(run.output()).isEqualTo(1);
		// retried with pauses of 1 + 2 + 4 + 8 s, so it gave up after the budget, not before
		assertThat(seconds).as(run.output()).isGreaterThanOrEqualTo(15);
		assertThat(rounds.get()).isGreaterThanOrEqualTo(5);
		List<String> lines = run.output().lines().toList();
		assertThat(lines.stream().filter(l -> l.contains("hit a transient database error")).count())
			.as(run.output())
			.isEqualTo(4);
		List<String> verdicts = lines.stream().filter(l -> l.toLowerCase().contains("rerun the same command")).toList();
		assertThat(verdicts).as(run.output()).hasSize(1);
		assertThat(verdicts.get(0)).as(run.output())
			.matches("keyshift: (run \\d+|the run) failed after 5 attempts: .+\\. Rerun the same command to resume"
					+ " from the last commit\\.");
		assertNoSecret(run.output());

		ChildRun again = start(db, "hammered");
		assertThat(exit(again, RUN)).as(again.output()).isZero();
		assertThat(again.output()).contains("resuming run").doesNotContain("transient database error");
		assertNoSecret(again.output());
		assertReleased(db);
		assertSameAsReference(db);
	}

	@Test
	void aLostLockIsTakenAgainAndALockTakenByAnotherProcessStopsTheRun() throws Exception {
		TestDatabase db = database("stolen");
		ChildRun run = start(db, "stolen");
		assertThat(run.awaitProgress(0.2, RUN)).as(run.output()).isTrue();

		// only the lock's session ends: the job's connections carry on, the watcher takes the lock again
		long first = lockSessionPid(db);
		assertThat(terminate(db, first)).isTrue();
		assertThat(run.await(l -> l.contains(REGAINED), Duration.ofSeconds(30))).as(run.output()).isTrue();
		assertThat(lockSessionPid(db)).isNotEqualTo(first);
		assertThat(holderPid(db)).isEqualTo(run.pid());

		// now another process is first in line for the lock when the session ends
		assertThat(run.awaitProgress(0.4, RUN)).as(run.output()).isTrue();
		try (Connection thief = connect(db); Connection admin = connect(db)) {
			try (PreparedStatement ps = admin.prepareStatement("""
					update run_holder set host = 'elsewhere.example', pid = 4242, command = 'BackendTerminationIT'
					where id = 1""")) {
				assertThat(ps.executeUpdate()).isEqualTo(1);
			}
			long thiefPid = backendPid(thief);
			CompletableFuture<Void> taken = CompletableFuture.runAsync(() -> {
				try (Statement s = thief.createStatement()) {
					s.execute("set lock_timeout = '60s'");
					s.execute("select pg_advisory_lock(" + RunLock.KEY + ")");
				}
				catch (SQLException ex) {
					throw new IllegalStateException(ex);
				}
			});
			awaitWaitingForLock(admin, thiefPid);
			long second = lockSessionPid(db);
			long stolenAt = System.nanoTime();
			assertThat(terminate(db, second)).isTrue();
			taken.get(30, TimeUnit.SECONDS);

			assertThat(exit(run, Duration.ofSeconds(60))).as(run.output()).isEqualTo(1);
			long seconds = Duration.ofNanos(System.nanoTime() - stolenAt).toSeconds();
			System.out.printf("--- lock taken by another session: keyshift exited %d s later%n", seconds);
			assertThat(seconds).as("seconds from the theft to the exit").isLessThan(20);
			assertThat(run.output()).contains("lost the run lock")
				.contains("pid 4242")
				.contains("so that two runs never write together")
				.doesNotContainPattern("keyshift: run \\d+ completed");
			assertNoSecret(run.output());
		}

		// the thief is gone (its session closed): the same command resumes the abandoned execution
		ChildRun again = start(db, "stolen");
		assertThat(exit(again, RUN)).as(again.output()).isZero();
		assertThat(again.output()).contains("left running by a process that is gone").contains("resuming run");
		assertReleased(db);
		assertSameAsReference(db);
	}

	private TestDatabase database(String name) throws IOException {
		TestDatabase db = TestDatabase.create(TestDatabase.Kind.POSTGRES, Files.createDirectories(tmp.resolve(name)));
		databases.add(db);
		return db;
	}

	private static ChildRun start(TestDatabase db, String name) throws IOException {
		List<String> args = new ArrayList<>(List.of("migrate", "--input", export.toString(), "--delivery-key-file",
				key.toString(), "--report-dir", tmp.resolve("report-" + name).toString(),
				"--keyshift.chunk-size=100", "--keyshift.progress-interval=50ms"));
		for (String arg : db.springArgs()) {
			args.add(arg.startsWith("--spring.datasource.password=") ? "--spring.datasource.password=" + password
					: arg);
		}
		ChildRun run = ChildRun.start(tmp, args);
		STARTED.put(run, System.nanoTime());
		return run;
	}

	/** The brief's statement: every backend of the run's database but the one asking. */
	private static int terminateAll(TestDatabase db) throws SQLException {
		try (Connection c = connect(db);
				PreparedStatement ps = c.prepareStatement("""
						select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity
						where datname = current_database() and pid <> pg_backend_pid()""");
				ResultSet rs = ps.executeQuery()) {
			rs.next();
			return rs.getInt(1);
		}
	}

	private static boolean terminate(TestDatabase db, long pid) throws SQLException {
		try (Connection c = connect(db); PreparedStatement ps = c.prepareStatement("select pg_terminate_backend(?, 5000)")) {
			ps.setInt(1, (int) pid);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() && rs.getBoolean(1);
			}
		}
	}

	private static final String LOCK_SESSIONS = """
			select pid from pg_locks
			where locktype = 'advisory' and granted and database = (select oid from pg_database where datname = current_database())
			  and classid::bigint = %d and objid::bigint = %d and objsubid = 1""".formatted(RunLock.KEY >>> 32,
			RunLock.KEY & 0xffffffffL);

	private static int lockSessions(TestDatabase db) throws SQLException {
		try (Connection c = connect(db);
				Statement s = c.createStatement();
				ResultSet rs = s.executeQuery("select count(*) from (" + LOCK_SESSIONS + ") l")) {
			rs.next();
			return rs.getInt(1);
		}
	}

	private static long lockSessionPid(TestDatabase db) throws SQLException {
		try (Connection c = connect(db); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(LOCK_SESSIONS)) {
			assertThat(rs.next()).as("a session holds the run lock").isTrue();
			return rs.getLong(1);
		}
	}

	private static Long holderPid(TestDatabase db) throws SQLException {
		try (Connection c = connect(db);
				Statement s = c.createStatement();
				ResultSet rs = s.executeQuery("select pid from run_holder where id = 1")) {
			return rs.next() ? rs.getLong(1) : null;
		}
	}

	/**
	 * Equal to the uninterrupted run, as {@link CrashRestartIT} compares them; first, in a form that
	 * fits a failure message, whether the same users were decided at all.
	 */
	private static void assertSameAsReference(TestDatabase db) {
		String decided = "select distinct user_id from migration_decision order by user_id";
		Set<Long> expected = new TreeSet<>(reference.jdbc().queryForList(decided, Long.class));
		Set<Long> actual = new TreeSet<>(db.jdbc().queryForList(decided, Long.class));
		Set<Long> missing = new TreeSet<>(expected);
		missing.removeAll(actual);
		Set<Long> extra = new TreeSet<>(actual);
		extra.removeAll(expected);
		assertThat(missing).as("%d users the uninterrupted run decided and this one did not, from %s", missing.size(),
				missing.stream().limit(20).toList()).isEmpty();
		assertThat(extra).as("%d users this run decided and the uninterrupted one did not, from %s", extra.size(),
				extra.stream().limit(20).toList()).isEmpty();
		CrashRestartIT.assertSameOutcome(reference.jdbc(), db.jdbc());
	}

	/** After a run ended: nobody holds the lock, and no holder is recorded. */
	private static void assertReleased(TestDatabase db) throws SQLException {
		assertThat(lockSessions(db)).isZero();
		assertThat(holderPid(db)).isNull();
	}

	private static long backendPid(Connection c) throws SQLException {
		try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
			rs.next();
			return rs.getLong(1);
		}
	}

	private static void awaitWaitingForLock(Connection admin, long pid) throws SQLException {
		long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < until) {
			try (PreparedStatement ps = admin
				.prepareStatement("select wait_event_type = 'Lock' from pg_stat_activity where pid = ?")) {
				ps.setInt(1, (int) pid);
				try (ResultSet rs = ps.executeQuery()) {
					if (rs.next() && rs.getBoolean(1)) {
						return;
					}
				}
			}
			sleep(Duration.ofMillis(20));
		}
		throw new IllegalStateException("the test's session never queued for the run lock");
	}

	private static Connection connect(TestDatabase db) throws SQLException {
		return DriverManager.getConnection(db.url(), setting(db, "username"), setting(db, "password"));
	}

	private static String setting(TestDatabase db, String name) {
		String prefix = "--spring.datasource." + name + "=";
		return db.springArgs().stream().filter(a -> a.startsWith(prefix)).findFirst().orElseThrow()
			.substring(prefix.length());
	}

	/**
	 * Waits for the child's exit code and shows, for the build log, what the operator saw: the time it
	 * took and keyshift's own lines, without the progress ones.
	 */
	private static int exit(ChildRun run, Duration timeout) throws InterruptedException {
		int exit = run.exitCode(timeout);
		Long startedAt = STARTED.get(run);
		System.out.printf("--- keyshift pid %d: exit %d after %.1f s%n", run.pid(), exit,
				startedAt == null ? -1 : (System.nanoTime() - startedAt) / 1e9);
		run.output().lines().filter(l -> l.startsWith("keyshift:")).forEach(l -> System.out.println("    " + l));
		return exit;
	}

	private static boolean alive(ChildRun run) {
		return ProcessHandle.of(run.pid()).map(ProcessHandle::isAlive).orElse(false);
	}

	/** No token, no legacy key, no delivery key, no database password: not even in a stack trace. */
	private static void assertNoSecret(String output) {
		assertThat(output).doesNotContainPattern("dbtu_[0-9A-Za-z]{20,}")
			.doesNotContainPattern("ak_[0-9A-Za-z]{20,}")
			.doesNotContain(deliveryKey)
			.doesNotContain(password);
	}

	private static void sleep(Duration pause) {
		try {
			Thread.sleep(pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}
}
