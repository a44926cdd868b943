package io.keyshift.job;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.keyshift.cli.Cli;
import io.keyshift.generate.ExportGenerator;
import io.keyshift.status.RunStatus;
import io.keyshift.store.StatusStore;
import io.keyshift.support.ChildRun;
import io.keyshift.support.TestDatabase;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code --max-rate} and {@code --pause-file} on a generated export, on H2 and PostgreSQL: the rate
 * measured from the database's own row counts while the job runs, a pause that stops the writes,
 * and a resumed run that keeps both without being given them again.
 */
@Tag("slow")
@ExtendWith(OutputCaptureExtension.class)
class ThrottleIT {

	private static final int USERS = 800;

	/**
	 * Low enough that a 2-core machine loaded by other builds (load average 15) keeps up with it: there,
	 * unthrottled, chunks of 20 went at about 45 users/s; on an idle one at thousands.
	 */
	private static final int RATE = 25;

	private static final String CHUNK = "--keyshift.chunk-size=20";

	private static final Duration RUN = Duration.ofMinutes(3);

	@TempDir
	static Path shared;

	private static Path export;

	private static Path key;

	@TempDir
	Path tmp;

	private TestDatabase db;

	/** The in-process run of a test, ended before its database is dropped. */
	private CompletableFuture<Integer> running;

	@BeforeAll
	static void generate() throws IOException {
		export = shared.resolve("export");
		new ExportGenerator().generate(new ExportGenerator.Options(USERS, 17), export);
		byte[] raw = new byte[32];
		new SecureRandom().nextBytes(raw);
		key = shared.resolve("delivery.key");
		Files.writeString(key, Base64.getEncoder().encodeToString(raw));
		Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
	}

	@AfterEach
	void drop() throws Exception {
		if (running != null) {
			try {
				running.get(RUN.toSeconds(), TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				// the test has failed already; the database goes anyway
			}
		}
		if (db != null) {
			db.close();
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void theMeasuredRateHoldsTheLimit(TestDatabase.Kind kind, CapturedOutput output) throws Exception {
		db = TestDatabase.create(kind, tmp);
		CompletableFuture<Integer> run = runInBackground("--max-rate", Integer.toString(RATE));
		List<long[]> samples = new ArrayList<>();
		while (!run.isDone()) {
			samples.add(new long[] { System.nanoTime(), decided() });
			Thread.sleep(100);
		}
		assertThat(run.get()).as(output.getOut()).isZero();
		long total = decided();
		samples.add(new long[] { System.nanoTime(), total });
		long[] first = samples.stream().filter(s -> s[1] > 0).findFirst().orElseThrow();
		long[] last = samples.stream().filter(s -> s[1] == total).findFirst().orElseThrow();
		double seconds = (last[0] - first[0]) / 1e9;
		double rate = (last[1] - first[1]) / seconds;
		System.out.printf("--- %s: %d users decided at %.1f users/s (limit %d/s) over %.1f s%n", kind, total, rate, RATE,
				seconds);
		assertThat(total).isGreaterThan(USERS / 2);
		assertThat(rate).as("users/s measured from the database").isBetween(RATE * 0.9, RATE * 1.1);
		assertThat(output.getOut()).contains("migrate: at most " + RATE + " users/s");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aPauseFileStopsTheWritesUntilItIsRemoved(TestDatabase.Kind kind, CapturedOutput output) throws Exception {
		db = TestDatabase.create(kind, tmp);
		Path flag = tmp.resolve("keyshift.pause");
		CompletableFuture<Integer> run = runInBackground("--max-rate", Integer.toString(RATE), "--pause-file",
				flag.toString());
		awaitDecided(USERS / 5, run);
		Files.createFile(flag);
		awaitLine(output, "migrate: paused: " + flag.toAbsolutePath() + " exists", run);
		Thread.sleep(2_000); // the worker still in its chunk (20 users) commits it
		long whenPaused = decided();
		Thread.sleep(4_000); // at the limit, 100 more users
		long stillPaused = decided();
		assertThat(run).isNotDone();
		assertThat(stillPaused).as("users decided while paused").isEqualTo(whenPaused);
		long total = db.jdbc().queryForObject("select users_in_scope from run_record", Long.class);
		assertThat(whenPaused).isLessThan(total);
		assertThat(output.getOut()).contains(", paused: remove " + flag.toAbsolutePath() + " to resume");
		// recorded in the database, for keyshift status in another process, on another host
		assertThat(db.jdbc().queryForObject("select paused_since from run_record", java.sql.Timestamp.class))
			.as("the pause, recorded").isNotNull();
		if (kind == TestDatabase.Kind.POSTGRES) { // H2: status cannot read beside a run in another process
			RunStatus.Progress paused = progress();
			assertThat(paused.pausedSince()).isNotNull();
			assertThat(paused.pauseFile()).isEqualTo(flag.toAbsolutePath().toString());
			assertThat(paused.usersPerSecond()).as("no rate while paused").isNull();
		}

		Files.delete(flag);
		awaitDecided(whenPaused + 6 * 20, run);
		assertThat(db.jdbc().queryForObject("select paused_since from run_record", java.sql.Timestamp.class))
			.as("the pause, over").isNull();
		if (kind == TestDatabase.Kind.POSTGRES) {
			// over the time it worked, not averaged over the 6 s and more it waited (then under 19/s); above
			// the limit by the first chunks of the two workers, which start at once (34/s seen)
			assertThat(progress().usersPerSecond()).as("status's rate after a pause").isBetween(RATE * 0.8, RATE * 1.6);
		}
		assertThat(run.get(RUN.toSeconds(), TimeUnit.SECONDS)).as(output.getOut()).isZero();
		assertThat(decided()).isEqualTo(total);
		assertThat(db.jdbc().queryForObject("select paused_millis from run_record", Long.class)).isBetween(6_000L,
				RUN.toMillis());
		assertThat(output.getOut()).contains("migrate: resumed after").containsPattern("keyshift: run \\d+ completed");
	}

	/**
	 * Stopped (SIGTERM) while paused, then the same command without the options: it pauses on the
	 * same file, and once the file is gone it still keeps to the rate.
	 */
	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aResumedRunKeepsItsRateAndPauseFile(TestDatabase.Kind kind) throws Exception {
		db = TestDatabase.create(kind, tmp);
		Path flag = Files.createFile(tmp.resolve("keyshift.pause"));
		ChildRun first = child("--max-rate", Integer.toString(RATE), "--pause-file", flag.toString());
		assertThat(first.await(l -> l.contains("migrate: paused"), RUN)).as(first.output()).isTrue();
		first.terminate();
		assertThat(first.exitCode(RUN)).as(first.output()).isEqualTo(1);
		assertThat(first.output()).containsPattern("run \\d+ stopped; rerun the same command to resume");

		ChildRun again = child();
		assertThat(again.await(l -> l.contains("migrate: paused: " + flag.toAbsolutePath() + " exists"), RUN))
			.as(again.output())
			.isTrue();
		Files.delete(flag);
		long removed = System.nanoTime();
		assertThat(again.exitCode(RUN)).as(again.output()).isZero();
		double seconds = (System.nanoTime() - removed) / 1e9;
		long total = db.jdbc().queryForObject("select users_in_scope from run_record", Long.class);
		assertThat(again.output()).contains("resuming run")
			.contains("migrate: at most " + RATE + " users/s; pauses while " + flag.toAbsolutePath() + " exists");
		// unthrottled the rest takes a second or two; at the limit, total / 150 seconds
		assertThat(seconds).as(again.output()).isGreaterThanOrEqualTo(0.9 * total / RATE);
	}

	private ChildRun child(String... options) throws IOException {
		List<String> args = new ArrayList<>(List.of("migrate", "--input", export.toString(), "--delivery-key-file",
				key.toString(), "--report-dir", tmp.resolve("report").toString(), "--threads", "2",
				CHUNK));
		args.addAll(List.of(options));
		args.addAll(db.springArgs());
		return ChildRun.start(tmp, args);
	}

	private CompletableFuture<Integer> runInBackground(String... options) {
		List<String> args = new ArrayList<>(List.of("migrate", "--input", export.toString(), "--delivery-key-file",
				key.toString(), "--report-dir", tmp.resolve("report").toString(), "--threads", "2",
				CHUNK, "--keyshift.progress-interval=500ms"));
		args.addAll(List.of(options));
		args.addAll(db.springArgs());
		ByteArrayOutputStream sink = new ByteArrayOutputStream();
		running = CompletableFuture.supplyAsync(() -> {
			int exit = Cli.run(args.toArray(String[]::new), new PrintStream(sink, true, StandardCharsets.UTF_8),
					new PrintStream(sink, true, StandardCharsets.UTF_8));
			System.out.println(sink.toString(StandardCharsets.UTF_8));
			return exit;
		});
		return running;
	}

	/** The progress keyshift status shows of the run that is going. */
	private RunStatus.Progress progress() {
		List<RunStatus> runs = new StatusStore(db.jdbc(), MigrationJobConfiguration.JOB_NAME).read().runs();
		RunStatus.Progress progress = runs.get(runs.size() - 1).progress();
		assertThat(progress).as("a run going").isNotNull();
		return progress;
	}

	/** Users decided so far; 0 while the run has not yet created its tables. */
	private long decided() {
		try {
			Long count = db.jdbc()
				.queryForObject("select count(distinct user_id) from migration_decision", Long.class);
			return count == null ? 0 : count;
		}
		catch (org.springframework.dao.DataAccessException ex) {
			return 0;
		}
	}

	private void awaitDecided(long users, CompletableFuture<Integer> run) throws InterruptedException {
		long until = System.nanoTime() + RUN.toNanos();
		while (System.nanoTime() < until && !run.isDone()) {
			if (decided() >= users) {
				return;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("the run never decided " + users + " users (done: " + run.isDone() + ")");
	}

	private static void awaitLine(CapturedOutput output, String text, CompletableFuture<Integer> run)
			throws InterruptedException {
		long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (System.nanoTime() < until && !run.isDone()) {
			if (output.getOut().contains(text)) {
				return;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("no line with '" + text + "':\n" + output.getOut());
	}
}
