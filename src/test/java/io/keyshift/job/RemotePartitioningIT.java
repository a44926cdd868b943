package io.keyshift.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import io.keyshift.generate.ExportGenerator;
import io.keyshift.support.ChildRun;
import io.keyshift.support.TestDatabase;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code migrate --remote} with {@code keyshift worker}s, all built jars in child JVMs, against the
 * real RabbitMQ on 127.0.0.1:5672 and PostgreSQL (remote mode refuses H2: one process owns an H2
 * file; that refusal is tested on H2 here). Every outcome is compared with a local run of the same
 * export: same tokens, key statuses, notifications, decisions and report. Each test has its own
 * queue, deleted afterwards.
 */
@Tag("slow")
class RemotePartitioningIT {

	private static final Duration STEP = Duration.ofSeconds(300);

	/** Workers here are declared gone after 5 s of silence (production default: 30 s). */
	private static final List<String> FAST_WATCH = List.of("--keyshift.remote.worker-timeout=5s",
			"--keyshift.remote.heartbeat=1s", "--keyshift.remote.poll-interval=500ms");

	@TempDir
	static Path shared;

	private static Path export;

	private static Path key;

	private static TestDatabase reference;

	private static Path referenceReport;

	@TempDir
	Path tmp;

	private String queue;

	private final List<TestDatabase> databases = new ArrayList<>();

	private final List<ChildRun> children = new ArrayList<>();

	@BeforeAll
	static void localReferenceRun() throws Exception {
		export = shared.resolve("export");
		new ExportGenerator().generate(new ExportGenerator.Options(3_000, 11), export);
		byte[] raw = new byte[32];
		new SecureRandom().nextBytes(raw);
		key = shared.resolve("delivery.key");
		Files.writeString(key, Base64.getEncoder().encodeToString(raw));
		Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
		reference = TestDatabase.create(TestDatabase.Kind.POSTGRES, Files.createDirectories(shared.resolve("ref")));
		referenceReport = shared.resolve("report-reference");
		List<String> args = new ArrayList<>(List.of("migrate", "--input", export.toString(), "--delivery-key-file",
				key.toString(), "--report-dir", referenceReport.toString(), "--keyshift.chunk-size=50"));
		args.addAll(reference.springArgs());
		ChildRun local = ChildRun.start(shared, args);
		assertThat(local.exitCode(STEP)).as(local.output()).isZero();
	}

	@AfterAll
	static void dropReference() {
		if (reference != null) {
			reference.close();
		}
	}

	@BeforeEach
	void queue() {
		queue = "keyshift-it-" + UUID.randomUUID();
	}

	@AfterEach
	void cleanUp() throws InterruptedException {
		for (ChildRun child : children) {
			child.kill();
			// in the test's report: what each process said, for a failure that is not the manager's
			System.out.println("--- child process " + children.indexOf(child) + ":\n" + child.output());
		}
		databases.forEach(TestDatabase::close);
		CachingConnectionFactory broker = new CachingConnectionFactory("127.0.0.1", 5672);
		try {
			RabbitAdmin admin = new RabbitAdmin(broker);
			admin.deleteQueue(queue);
			admin.deleteQueue(queue + ".dlq");
		}
		finally {
			broker.destroy();
		}
	}

	private TestDatabase database(TestDatabase.Kind kind) throws IOException {
		TestDatabase db = TestDatabase.create(kind, Files.createDirectories(tmp.resolve("db" + databases.size())));
		databases.add(db);
		return db;
	}

	private ChildRun manager(TestDatabase db, String... extra) throws IOException {
		List<String> args = new ArrayList<>(List.of("migrate", "--remote", "--input", export.toString(),
				"--delivery-key-file", key.toString(), "--report-dir", tmp.resolve("report").toString(),
				"--keyshift.chunk-size=50", "--keyshift.progress-interval=1s", "--keyshift.remote.queue=" + queue));
		args.addAll(FAST_WATCH);
		args.addAll(List.of(extra));
		args.addAll(db.springArgs());
		ChildRun run = ChildRun.start(tmp, args);
		children.add(run);
		return run;
	}

	private ChildRun worker(TestDatabase db, String... extra) throws IOException {
		List<String> args = new ArrayList<>(List.of("worker", "--delivery-key-file", key.toString(),
				"--keyshift.chunk-size=50", "--keyshift.threads=2", "--keyshift.remote.queue=" + queue));
		args.addAll(FAST_WATCH);
		args.addAll(List.of(extra));
		args.addAll(db.springArgs());
		ChildRun run = ChildRun.start(tmp, args);
		children.add(run);
		return run;
	}

	@Test
	void twoWorkersEndEqualToALocalRun() throws Exception {
		TestDatabase db = database(TestDatabase.Kind.POSTGRES);
		ChildRun first = worker(db);
		ChildRun second = worker(db);
		// both listening before the first request: a worker whose JVM starts late may find the run done
		for (ChildRun worker : List.of(first, second)) {
			assertThat(worker.await(l -> l.contains("takes partitions from queue " + queue), STEP)).as(worker.output())
				.isTrue();
		}
		ChildRun manager = manager(db);
		assertThat(manager.exitCode(STEP)).as(manager.output()).isZero();
		assertThat(manager.output()).contains("completed");
		// both took part: each ran at least one partition
		assertThat(first.output()).as(first.output()).contains("worker: running migrate:partition");
		assertThat(second.output()).as(second.output()).contains("worker: running migrate:partition");
		String keyText = Files.readString(key).strip();
		first.kill();
		second.kill();
		for (ChildRun run : List.of(first, second, manager)) {
			assertThat(run.output()).doesNotContain(keyText);
		}
		assertSameAsLocal(db);
	}

	@Test
	void aWorkerKilledMidRunIsReplacedAndTheRunEndsEqualToALocalRun() throws Exception {
		TestDatabase db = database(TestDatabase.Kind.POSTGRES);
		ChildRun doomed = worker(db);
		ChildRun manager = manager(db);
		// killed between two partitions it would hold none, and RabbitMQ alone would requeue its request
		assertThat(freezeHoldingARunningPartition(doomed, db.jdbc())).as(manager.output() + "\n" + doomed.output())
			.isTrue();
		doomed.kill();
		long killedAt = System.nanoTime();
		assertThat(manager.await(l -> l.contains("handed to another worker"), STEP)).as(manager.output()).isTrue();
		// declared gone within the worker timeout (5 s) plus a few polls
		assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThan(Duration.ofSeconds(30));
		// started only now: started earlier, it could take the gone worker's claim itself, before the manager
		ChildRun survivor = worker(db);
		assertThat(manager.exitCode(STEP)).as(manager.output() + "\n" + survivor.output()).isZero();
		assertThat(survivor.output()).contains("worker: running migrate:partition");
		assertSameAsLocal(db);
	}

	@Test
	void withoutAWorkerTheManagerSaysSoAndWaitsAndALateWorkerDoesTheWork() throws Exception {
		TestDatabase db = database(TestDatabase.Kind.POSTGRES);
		ChildRun manager = manager(db);
		assertThat(manager.await(l -> l.contains("no worker is running; 8 of 8 partitions wait in queue " + queue),
				STEP)).as(manager.output()).isTrue();
		assertThat(db.jdbc().queryForObject("select count(*) from migration_decision", Long.class)).isZero();
		worker(db);
		assertThat(manager.exitCode(STEP)).as(manager.output()).isZero();
		assertSameAsLocal(db);
	}

	@Test
	void sigtermToTheManagerStopsTheRunResumably() throws Exception {
		TestDatabase db = database(TestDatabase.Kind.POSTGRES);
		ChildRun worker = worker(db);
		ChildRun manager = manager(db);
		// on an idle machine 3,000 users take about a second: the worker is frozen mid-partition while the
		// manager is told to stop, and let go on once the manager has asked the workers to stop
		assertThat(freezeHoldingARunningPartition(worker, db.jdbc())).as(manager.output()).isTrue();
		manager.terminate();
		assertThat(manager.await(l -> l.contains("asked the workers to stop"), STEP)).as(manager.output()).isTrue();
		worker.resume();
		assertThat(manager.exitCode(STEP)).as(manager.output()).isEqualTo(1);
		assertThat(manager.output()).contains("asked the workers to stop").contains("stopped; rerun the same command");
		assertThat(worker.output()).contains("ended stopped");
		long decided = db.jdbc().queryForObject("select count(distinct user_id) from migration_decision", Long.class);
		assertThat(decided).isLessThan(usersInScope());

		ChildRun again = manager(db);
		assertThat(again.exitCode(STEP)).as(again.output() + "\n" + worker.output()).isZero();
		assertThat(again.output()).contains("resuming run");
		assertSameAsLocal(db);
	}

	@Test
	void aWorkerStoppedWithSigtermHandsItsPartitionsBack() throws Exception {
		TestDatabase db = database(TestDatabase.Kind.POSTGRES);
		ChildRun leaving = worker(db);
		ChildRun manager = manager(db);
		assertThat(awaitDecided(db.jdbc(), 0.2)).as(manager.output()).isTrue();
		ChildRun staying = worker(db);
		leaving.terminate();
		assertThat(leaving.exitCode(STEP)).as(leaving.output()).isZero();
		assertThat(leaving.output()).contains("handed back");
		assertThat(manager.exitCode(STEP)).as(manager.output() + "\n" + staying.output()).isZero();
		assertSameAsLocal(db);
	}

	@Test
	void remoteModeNeedsPostgresqlAndAWorkerNeedsItsKeyAndTheBroker() throws Exception {
		TestDatabase h2 = database(TestDatabase.Kind.H2);
		ChildRun manager = manager(h2);
		assertThat(manager.exitCode(STEP)).as(manager.output()).isEqualTo(2);
		assertThat(manager.output()).contains("keyshift: migrate --remote needs PostgreSQL");
		ChildRun worker = worker(h2);
		assertThat(worker.exitCode(STEP)).as(worker.output()).isEqualTo(2);
		assertThat(worker.output()).contains("keyshift: worker needs PostgreSQL");

		TestDatabase pg = database(TestDatabase.Kind.POSTGRES);
		List<String> noKey = new ArrayList<>(List.of("worker", "--keyshift.remote.queue=" + queue));
		noKey.addAll(pg.springArgs());
		ChildRun keyless = ChildRun.start(tmp, noKey);
		children.add(keyless);
		assertThat(keyless.exitCode(STEP)).as(keyless.output()).isEqualTo(2);
		assertThat(keyless.output()).contains("worker needs --delivery-key-file");

		Path badKey = tmp.resolve("short.key");
		Files.writeString(badKey, "c2hvcnQ=");
		Files.setPosixFilePermissions(badKey, PosixFilePermissions.fromString("rw-------"));
		List<String> wrongKey = new ArrayList<>(List.of("worker", "--delivery-key-file", badKey.toString()));
		wrongKey.addAll(pg.springArgs());
		ChildRun unusable = ChildRun.start(tmp, wrongKey);
		children.add(unusable);
		assertThat(unusable.exitCode(STEP)).as(unusable.output()).isEqualTo(2);
		assertThat(unusable.output()).contains("The worker did not start");

		ChildRun noBroker = worker(pg, "--spring.rabbitmq.host=127.0.0.1", "--spring.rabbitmq.port=18499");
		assertThat(noBroker.exitCode(STEP)).as(noBroker.output()).isEqualTo(1);
		assertThat(noBroker.output()).contains("keyshift: worker: cannot reach the broker at 127.0.0.1:18499");
		ChildRun managerNoBroker = manager(pg, "--spring.rabbitmq.host=127.0.0.1", "--spring.rabbitmq.port=18499");
		assertThat(managerNoBroker.exitCode(STEP)).as(managerNoBroker.output()).isEqualTo(1);
		assertThat(managerNoBroker.output()).contains("migrate --remote cannot reach the broker at 127.0.0.1:18499");
		assertThat(pg.jdbc().queryForObject("select count(*) from migration_decision", Long.class)).isZero();
	}

	private long usersInScope() {
		return reference.jdbc().queryForObject("select count(distinct user_id) from migration_decision", Long.class);
	}

	private boolean awaitDecided(JdbcTemplate jdbc, double fraction) throws InterruptedException {
		long target = (long) (usersInScope() * fraction);
		long until = System.nanoTime() + STEP.toNanos();
		while (System.nanoTime() < until) {
			try {
				Long decided = jdbc.queryForObject("select count(distinct user_id) from migration_decision", Long.class);
				if (decided != null && decided >= target) {
					return true;
				}
			}
			catch (RuntimeException ex) {
				// the tables are not there yet (Flyway runs in the manager)
			}
			Thread.sleep(100);
		}
		return false;
	}

	/**
	 * Freezes {@code worker} (SIGSTOP) at a moment it holds the claim of a running partition that has
	 * committed a chunk: frozen when it seems to, checked again while frozen, and let go on and tried
	 * again otherwise. False when the run ended first.
	 */
	private boolean freezeHoldingARunningPartition(ChildRun worker, JdbcTemplate jdbc) throws Exception {
		long until = System.nanoTime() + STEP.toNanos();
		while (System.nanoTime() < until) {
			if (runningPartitionsHeld(jdbc, worker.pid()) > 0) {
				worker.pause();
				if (runningPartitionsHeld(jdbc, worker.pid()) > 0) {
					return true;
				}
				worker.resume();
			}
			Thread.sleep(10);
		}
		return false;
	}

	private static long runningPartitionsHeld(JdbcTemplate jdbc, long pid) {
		try {
			return heldNow(jdbc, pid);
		}
		catch (RuntimeException ex) {
			// the tables are not there yet (Flyway runs as the processes start)
			return 0;
		}
	}

	private static long heldNow(JdbcTemplate jdbc, long pid) {
		return jdbc.queryForObject("""
				select count(*) from keyshift_partition_claim c
				join keyshift_worker w on w.worker_id = c.worker_id
				join batch_step_execution s on s.step_execution_id = c.step_execution_id
				where w.pid = ? and s.status in ('STARTING', 'STARTED') and s.commit_count > 0""", Long.class, pid);
	}

	/** The tables as {@link CrashRestartIT} compares them, and report.csv but for the minted tokens' own ids. */
	private void assertSameAsLocal(TestDatabase db) throws IOException {
		CrashRestartIT.assertSameOutcome(reference.jdbc(), db.jdbc());
		assertThat(reportRows(tmp.resolve("report"))).isEqualTo(reportRows(referenceReport));
		assertThat(db.jdbc().queryForObject("select count(*) from personal_access_token", Long.class))
			.isEqualTo(reference.jdbc().queryForObject("select count(*) from personal_access_token", Long.class));
	}

	private static List<String> reportRows(Path dir) throws IOException {
		try (Stream<String> lines = Files.lines(dir.resolve("report.csv"))) {
			// a token's id and hint are random in every run; everything else is decided by the export
			return lines.map(l -> l.replaceAll(",[0-9a-f]{8}-[0-9a-f-]{27},[0-9A-Za-z]{4},", ",<token>,<hint>,"))
				.sorted()
				.toList();
		}
	}
}
