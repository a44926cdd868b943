package io.keyshift.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyshift.generate.ExportGenerator;
import io.keyshift.support.ChildRun;
import io.keyshift.support.Csv;
import io.keyshift.support.TestDatabase;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the console shows: with Spring Boot's structured logging every line is one JSON object
 * (keyshift's own lines included) and none holds a secret; when the database connections are
 * killed mid-run, keyshift's one-line messages stand alone, without Spring Batch's or HikariCP's
 * stack traces.
 */
@Tag("slow")
class LogsIT {

	private static final int USERS = 2_000;

	private static final Duration RUN = Duration.ofMinutes(4);

	private static final ObjectMapper JSON = new ObjectMapper();

	@TempDir
	static Path shared;

	private static Path export;

	private static Path key;

	private static String deliveryKey;

	private static List<String> legacyKeys;

	@TempDir
	Path tmp;

	private TestDatabase db;

	@BeforeAll
	static void generate() throws IOException {
		export = shared.resolve("export");
		new ExportGenerator().generate(new ExportGenerator.Options(USERS, 23), export);
		legacyKeys = Csv.read(export.resolve("legacy_api_keys.csv")).stream()
			.map(row -> row.get("api_key"))
			.filter(k -> k != null && k.length() >= 16)
			.toList();
		assertThat(legacyKeys).hasSizeGreaterThan(USERS / 2);
		byte[] raw = new byte[32];
		new SecureRandom().nextBytes(raw);
		deliveryKey = Base64.getEncoder().encodeToString(raw);
		key = shared.resolve("delivery.key");
		Files.writeString(key, deliveryKey);
		Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
	}

	@AfterEach
	void drop() {
		if (db != null) {
			db.close();
		}
	}

	/**
	 * In a child JVM: Spring Boot keeps the structured format in a system property, which would turn
	 * every later in-process test's console into JSON.
	 */
	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void structuredLogsPutEveryLineInJsonAndNoSecretInAny(TestDatabase.Kind kind) throws Exception {
		db = TestDatabase.create(kind, tmp);
		List<String> args = new ArrayList<>(List.of("migrate", "--input", export.toString(), "--delivery-key-file",
				key.toString(), "--report-dir", tmp.resolve("report").toString(),
				"--logging.structured.format.console=ecs", "--keyshift.progress-interval=100ms",
				"--keyshift.chunk-size=100"));
		args.addAll(db.springArgs());
		ChildRun run = ChildRun.start(tmp, args);
		assertThat(run.exitCode(RUN)).as(run.output()).isZero();

		// every line, keyshift's own "keyshift: ..." lines included, stdout and stderr alike
		List<JsonNode> lines = jsonLines(run.output());
		List<String> messages = lines.stream().map(l -> l.path("message").asText()).toList();
		assertThat(messages).anyMatch(m -> m.startsWith("migrate: users: "))
			.anyMatch(m -> m.startsWith("tokens minted: "))
			.anyMatch(m -> m.matches("keyshift: run \\d+ completed\\. Report: .*"));
		// Elastic Common Schema: {"@timestamp":..., "log":{"level":..., "logger":...}, "message":...}
		assertThat(lines).allMatch(l -> l.has("@timestamp") && l.path("log").has("level"));
		assertNoSecret(run.output());
		// the tokens were minted: a search for them in the output would find them if they were there
		assertThat(db.jdbc().queryForObject("select count(*) from personal_access_token", Long.class))
			.isGreaterThan(USERS / 2);
	}

	/**
	 * PostgreSQL only: H2 runs inside the keyshift process and has no server backend to kill. Every
	 * backend of the run's database is terminated a third of the way through, as in
	 * {@link BackendTerminationIT}; the run retries and completes. Plain console, then JSON.
	 */
	@Test
	void aKilledConnectionIsToldInKeyshiftsOwnLinesWithoutStackTraces() throws Exception {
		db = TestDatabase.create(TestDatabase.Kind.POSTGRES, tmp);
		ChildRun run = child("plain");
		assertThat(run.awaitProgress(0.3, RUN)).as(run.output()).isTrue();
		killConnectionsFor(Duration.ofSeconds(3));
		assertThat(run.exitCode(RUN)).as(run.output()).isZero();
		System.out.println(run.output());

		assertThat(run.output()).contains("hit a transient database error").containsPattern("keyshift: run \\d+ completed");
		for (String line : run.output().lines().toList()) {
			assertThat(line).as(run.output())
				.matches("(\\d\\d:\\d\\d:\\d\\d (INFO |WARN |ERROR) \\S.*|keyshift: \\S.*)")
				.doesNotContainPattern("\\bat [\\w$.]+\\(")
				.doesNotContain("Caused by")
				.doesNotContain("HikariPool")
				.doesNotContain("org.springframework");
		}
		assertNoSecret(run.output());
	}

	@Test
	void aKilledConnectionInJsonLogsIsStillOneJsonObjectPerLine() throws Exception {
		db = TestDatabase.create(TestDatabase.Kind.POSTGRES, tmp);
		ChildRun run = child("json", "--logging.structured.format.console=logstash");
		assertThat(run.awaitProgress(0.3, RUN)).as(run.output()).isTrue();
		killConnectionsFor(Duration.ofSeconds(3));
		assertThat(run.exitCode(RUN)).as(run.output()).isZero();

		List<JsonNode> lines = jsonLines(run.output());
		assertThat(lines).noneMatch(l -> l.has("stack_trace"));
		assertThat(lines.stream().map(l -> l.path("message").asText()))
			.anyMatch(m -> m.contains("hit a transient database error"))
			.anyMatch(m -> m.matches("keyshift: run \\d+ completed\\. Report: .*"));
		assertNoSecret(run.output());
	}

	/**
	 * Every backend of the run's database, every 250 ms: a worker waiting for its turn holds no
	 * connection (the pool replaces a dead idle one without a word), so one round may hit no chunk in
	 * flight; a few rounds do.
	 */
	private void killConnectionsFor(Duration period) throws SQLException, InterruptedException {
		long until = System.nanoTime() + period.toNanos();
		while (System.nanoTime() < until) {
			terminateAll();
			Thread.sleep(250);
		}
	}

	private ChildRun child(String name, String... extra) throws IOException {
		// slowed to 300 users/s, so that a third of the way through is a moment the test can catch on any machine
		List<String> args = new ArrayList<>(List.of("migrate", "--input", export.toString(), "--delivery-key-file",
				key.toString(), "--report-dir", tmp.resolve("report-" + name).toString(), "--max-rate", "300",
				"--keyshift.chunk-size=100", "--keyshift.progress-interval=100ms"));
		args.addAll(List.of(extra));
		args.addAll(db.springArgs());
		return ChildRun.start(tmp, args);
	}

	private static List<JsonNode> jsonLines(String output) throws IOException {
		List<JsonNode> nodes = new ArrayList<>();
		for (String line : output.lines().filter(l -> !l.isBlank()).toList()) {
			JsonNode node;
			try {
				node = JSON.readTree(line);
			}
			catch (IOException ex) {
				throw new AssertionError("not a JSON line: " + line + "\n\nin:\n" + output, ex);
			}
			assertThat(node.isObject()).as(line).isTrue();
			nodes.add(node);
		}
		assertThat(nodes).isNotEmpty();
		return nodes;
	}

	private static void assertNoSecret(String output) {
		assertThat(output).doesNotContain("dbtu_").doesNotContain(deliveryKey);
		for (String legacy : legacyKeys) {
			assertThat(output).doesNotContain(legacy);
		}
	}

	private int terminateAll() throws SQLException {
		Map<String, String> settings = settings();
		try (Connection c = DriverManager.getConnection(db.url(), settings.get("username"), settings.get("password"));
				PreparedStatement ps = c.prepareStatement("""
						select count(*) filter (where pg_terminate_backend(pid)) from pg_stat_activity
						where datname = current_database() and pid <> pg_backend_pid()""");
				ResultSet rs = ps.executeQuery()) {
			rs.next();
			return rs.getInt(1);
		}
	}

	private Map<String, String> settings() {
		String user = "", password = "";
		for (String arg : db.springArgs()) {
			if (arg.startsWith("--spring.datasource.username=")) {
				user = arg.substring(arg.indexOf('=') + 1);
			}
			if (arg.startsWith("--spring.datasource.password=")) {
				password = arg.substring(arg.indexOf('=') + 1);
			}
		}
		return Map.of("username", user, "password", password);
	}
}
