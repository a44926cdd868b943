package io.keyshift.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.keyshift.support.ChildRun;
import io.keyshift.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a first-time operator trips over (issue 13), on H2 and PostgreSQL: reports are never written
 * over, deliver changes nothing in a database without keyshift's tables, a start adds no errors to
 * the database's logs, a bad From address is found before anything is sent, and deliver --now
 * retries at once what waits for its backoff.
 */
class OperatorIT {

	@RegisterExtension
	static final GreenMailExtension greenMail = new GreenMailExtension(
			new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
		.withPerMethodLifecycle(true);

	private static final Path SAMPLE = Path.of("sample-data");

	private static final Pattern REPORT = Pattern.compile("completed\\. Report: (\\S+)");

	@TempDir
	Path tmp;

	private TestDatabase db;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	/**
	 * A SIGTERM while keyshift reads its command line (seconds on a busy machine, before it checks the
	 * export and starts the run) ended the JVM with exit 143 and no word. The child's class loading
	 * tells when main has begun: picocli is loaded once main runs, to read the command line.
	 */
	@Test
	void aSigtermWhileTheCommandLineIsReadStopsWithOneLineAndExitOne() throws Exception {
		Path export = Files.createDirectories(tmp.resolve("export"));
		FileSystemUtils.copyRecursively(SAMPLE, export);
		ChildRun child = ChildRun.start(tmp, List.of("-Xlog:class+load=info:stdout"),
				List.of("migrate", "--input", export.toString(), "--dry-run"));
		try {
			assertThat(child.await(l -> l.contains(" picocli.CommandLine "), Duration.ofMinutes(1))).isTrue();
			child.terminate();
			assertThat(child.exitCode(Duration.ofMinutes(1))).isEqualTo(1);
			// before the run began: this line, or the one of the moment before Spring starts
			assertThat(child.output()).containsPattern("keyshift: SIGTERM received while starting(; stopped before"
					+ " anything began\\. Nothing was changed\\.|, before the run began; stopped\\.)");
			assertThat(tmp.resolve("data")).doesNotExist();
		}
		finally {
			child.kill();
		}
	}

	@AfterEach
	void dropDatabase() {
		if (db != null) {
			db.close();
		}
	}

	private int run(String... args) {
		List<String> all = new ArrayList<>(List.of(args));
		all.addAll(db.springArgs());
		out.reset();
		err.reset();
		return Cli.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private Path key() throws IOException {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		Path key = Files.writeString(tmp.resolve("delivery.key"), Base64.getEncoder().encodeToString(bytes) + "\n");
		Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
		return key;
	}

	private Path copyOfSample(String name) throws IOException {
		Path copy = tmp.resolve(name);
		FileSystemUtils.copyRecursively(SAMPLE, copy);
		return copy;
	}

	private long count(String sql) {
		return db.jdbc().queryForObject(sql, Long.class);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void twoRealRunsOnIdenticalCopiesOfAnExportKeepBothReports(TestDatabase.Kind kind) throws Exception {
		db = TestDatabase.create(kind, tmp);
		Path work = Files.createDirectory(tmp.resolve("work"));
		FileSystemUtils.copyRecursively(SAMPLE, work.resolve("sample-data"));
		FileSystemUtils.copyRecursively(SAMPLE, work.resolve("sample-data-copy"));
		Path key = key();

		String first = realRunInChild(work, "sample-data", key);
		String second = realRunInChild(work, "sample-data-copy", key);

		assertThat(first).matches("reports/run-1-\\d{8}-\\d{6}");
		assertThat(second).matches("reports/run-2-\\d{8}-\\d{6}");
		assertThat(Files.readString(work.resolve(first).resolve("summary.json"))).contains("\"run_id\": 1,");
		assertThat(Files.readString(work.resolve(second).resolve("summary.json"))).contains("\"run_id\": 2,");
		assertThat(Files.readString(work.resolve(first).resolve("report.csv"))).contains(",CREATED,");
		assertThat(Files.readString(work.resolve(second).resolve("report.csv"))).contains(",ALREADY_MIGRATED,")
			.doesNotContain(",CREATED,");
		// each run records where its report went: a resumed run writes there again
		assertThat(db.jdbc().queryForList("select report_dir from run_record order by run_id", String.class))
			.containsExactly(first, second);
	}

	private String realRunInChild(Path work, String input, Path key) throws Exception {
		List<String> args = new ArrayList<>(List.of("migrate", "--input", input, "--accept-unattributed-rows", "--delivery-key-file", key.toString()));
		args.addAll(db.springArgs());
		ChildRun child = ChildRun.start(work, args);
		assertThat(child.exitCode(Duration.ofMinutes(6))).as(child.output()).isZero();
		Matcher m = REPORT.matcher(child.output());
		assertThat(m.find()).as(child.output()).isTrue();
		return m.group(1);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aReportDirectoryHoldingAnotherRunsReportIsRefusedBeforeAnythingStarts(TestDatabase.Kind kind)
			throws Exception {
		db = TestDatabase.create(kind, tmp);
		Path key = key();
		Path report = tmp.resolve("report");
		assertThat(run("migrate", "--accept-unattributed-rows", "--input", SAMPLE.toString(), "--report-dir", report.toString(),
				"--delivery-key-file", key.toString())).as(err.toString()).isZero();
		String firstReport = Files.readString(report.resolve("report.csv"));

		Path copy = copyOfSample("copy");
		assertThat(run("migrate", "--accept-unattributed-rows", "--input", copy.toString(), "--report-dir", report.toString(), "--delivery-key-file",
				key.toString())).isEqualTo(2);
		assertThat(err.toString()).isEqualTo("keyshift: --report-dir " + report + " already holds the report of run 1,"
				+ " and a report is never written over: give a new directory, or leave --report-dir out (each run then"
				+ " gets reports/run-<N>-<time> of its own). Nothing was written." + System.lineSeparator());
		assertThat(Files.readString(report.resolve("report.csv"))).isEqualTo(firstReport);
		assertThat(count("select count(*) from batch_job_instance")).as("no second run was made").isEqualTo(1);

		// the same run's own command, after it completed, still only says so
		assertThat(run("migrate", "--accept-unattributed-rows", "--input", SAMPLE.toString(), "--report-dir", report.toString(),
				"--delivery-key-file", key.toString())).isZero();
		assertThat(out.toString()).contains("run 1 on this input already completed");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void deliverOnADatabaseWithoutKeyshiftsTablesCreatesNothingAndExitsTwo(TestDatabase.Kind kind) throws Exception {
		db = TestDatabase.create(kind, tmp);
		db.jdbc().execute("create table unrelated (id int)"); // an existing database, of something else
		Path key = key();

		assertThat(run("deliver", "--delivery-key-file", key.toString(), "--spring.mail.host=127.0.0.1",
				"--keyshift.mail.from=it@example.com")).isEqualTo(2);
		assertThat(err.toString()).isEqualTo("keyshift: the database " + db.url().replaceAll(";.*", "")
				+ " has no keyshift tables: it is not the database migrate used. Point SPRING_DATASOURCE_URL at"
				+ " migrate's database (for the embedded one, run deliver in the directory migrate ran in). Nothing was"
				+ " created or sent." + System.lineSeparator());
		assertThat(count("select count(*) from information_schema.tables where table_schema = current_schema"))
			.as("only the table that was there").isEqualTo(1);

		assertThat(run("deliver", "--dry-run")).isEqualTo(2);
		assertThat(count("select count(*) from information_schema.tables where table_schema = current_schema"))
			.isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aStartOnAnExistingDatabaseRunsNoSchemaScriptThatFails(TestDatabase.Kind kind) throws Exception {
		db = TestDatabase.create(kind, tmp);
		if (kind == TestDatabase.Kind.POSTGRES) {
			// counts every CREATE statement begun, even one that then fails (a sequence is not rolled back),
			// and keeps the ones that succeed, to name them should the count be wrong
			db.jdbc().execute("create schema ddl_watch");
			db.jdbc().execute("create sequence ddl_watch.begun");
			db.jdbc().execute("create table ddl_watch.done (tag text, statement text)");
			db.jdbc().execute("""
					create function ddl_watch.count() returns event_trigger language plpgsql as $$ begin
					  if tg_tag like 'CREATE%' then
					    perform nextval('ddl_watch.begun');
					    insert into ddl_watch.done values (tg_tag, current_query());
					  end if;
					end $$""");
			db.jdbc().execute("create event trigger count_ddl on ddl_command_start execute function ddl_watch.count()");
		}
		assertThat(run("migrate", "--input", SAMPLE.toString(), "--dry-run", "--report-dir",
				tmp.resolve("r1").toString())).as(err.toString()).isZero();
		long ddlAfterFirst = ddlBegun(kind);
		assertThat(run("migrate", "--input", SAMPLE.toString(), "--dry-run", "--report-dir",
				tmp.resolve("r2").toString())).as(err.toString()).isZero();

		assertThat(count("select count(*) from batch_job_instance")).isEqualTo(2);
		if (kind == TestDatabase.Kind.POSTGRES) {
			// the second start creates nothing: each failed CREATE TABLE would be an ERROR line in the server's log
			assertThat(ddlBegun(kind) - ddlAfterFirst)
				.as(db.jdbc().queryForList("select tag || ': ' || statement from ddl_watch.done", String.class).toString())
				.isZero();
		}
		else {
			Path trace = tmp.resolve("h2").resolve("keyshift.trace.db");
			assertThat(Files.exists(trace) ? Files.readString(trace) : "").doesNotContain("already exists");
		}
	}

	private long ddlBegun(TestDatabase.Kind kind) {
		if (kind != TestDatabase.Kind.POSTGRES) {
			return 0;
		}
		return count("select case when is_called then last_value else 0 end from ddl_watch.begun");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aBadFromAddressStopsDeliverBeforeAnythingIsSentOrChanged(TestDatabase.Kind kind) throws Exception {
		db = TestDatabase.create(kind, tmp);
		Path key = key();
		assertThat(run("migrate", "--accept-unattributed-rows", "--input", SAMPLE.toString(), "--report-dir", tmp.resolve("r").toString(),
				"--delivery-key-file", key.toString())).as(err.toString()).isZero();

		for (String mode : new String[] { "--delivery-key-file=" + key, "--dry-run" }) {
			assertThat(run("deliver", mode, "--spring.mail.host=127.0.0.1",
					"--spring.mail.port=" + greenMail.getSmtp().getPort(), "--keyshift.mail.from=IT Security"))
				.as(mode)
				.isEqualTo(2);
			assertThat(err.toString()).as(mode).contains("the From address 'IT Security'", "Nothing was sent.");
		}
		assertThat(greenMail.getReceivedMessages()).isEmpty();
		assertThat(count("select count(*) from token_notification where attempts > 0 or status <> 'PENDING'")).isZero();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void deliverNowRetriesAtOnceWhatWaitsForItsBackoff(TestDatabase.Kind kind) throws Exception {
		db = TestDatabase.create(kind, tmp);
		Path key = key();
		assertThat(run("migrate", "--accept-unattributed-rows", "--input", SAMPLE.toString(), "--report-dir", tmp.resolve("r").toString(),
				"--delivery-key-file", key.toString())).as(err.toString()).isZero();
		long pending = count("select count(*) from token_notification where status = 'PENDING'");

		// the mail server is down: 10 refusals in a row, each waiting a minute before its retry
		assertThat(deliver(key, deadSmtp())).isEqualTo(1);
		assertThat(count("select count(*) from token_notification where attempts > 0")).isEqualTo(10);

		// fixed: a plain deliver sends only the never-tried ones; the failed ones wait for their backoff
		assertThat(deliver(key, greenMail.getSmtp().getPort())).isEqualTo(1);
		assertThat(out.toString()).contains("keyshift: deliver: " + (pending - 10) + " sent, 0 failed, 10 still pending");

		assertThat(deliver(key, greenMail.getSmtp().getPort(), "--now")).isZero();
		assertThat(out.toString()).contains("keyshift: deliver --now: 10 notifications waiting for a retry are due now",
				"keyshift: deliver: 10 sent, 0 failed, 0 still pending");
		assertThat(greenMail.getReceivedMessages()).hasSize((int) pending);
	}

	private int deliver(Path key, int port, String... more) {
		List<String> args = new ArrayList<>(List.of("deliver", "--mode", "token", "--delivery-key-file", key.toString(),
				"--spring.mail.host=127.0.0.1", "--spring.mail.port=" + port, "--keyshift.mail.from=it@example.com",
				"--spring.mail.properties.mail.smtp.connectiontimeout=5000"));
		args.addAll(List.of(more));
		return run(args.toArray(String[]::new));
	}

	private static int deadSmtp() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}
}
