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
import java.util.Map;
import java.util.UUID;

import io.keyshift.cli.Cli;
import io.keyshift.generate.ExportGenerator;
import io.keyshift.support.ChildRun;
import io.keyshift.support.TestDatabase;
import io.keyshift.token.DeliveryCipher;
import io.keyshift.token.DeliveryKey;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run sealed under one delivery key is never resumed under another: started with k1 and stopped
 * (SIGTERM, the built jar in a child JVM), the same command with k2 stops at once (exit 2, nothing
 * written, the run and both key ids named), also when the run, as the previous release left it,
 * recorded no key id; with k1 it completes, and every notification opens with k1. On H2 and
 * PostgreSQL.
 */
class DeliveryKeyResumeIT {

	private static final Duration STEP = Duration.ofSeconds(300);

	@TempDir
	Path tmp;

	private Path export;

	private TestDatabase db;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@BeforeEach
	void export() {
		export = tmp.resolve("export");
		new ExportGenerator().generate(new ExportGenerator.Options(6_000, 5), export);
	}

	@AfterEach
	void drop() {
		if (db != null) {
			db.close();
		}
	}

	private List<String> args(Path key) {
		List<String> args = new ArrayList<>(List.of("migrate", "--input", export.toString(), "--delivery-key-file",
				key.toString(), "--report-dir", tmp.resolve("report").toString(), "--keyshift.chunk-size=50",
				"--keyshift.progress-interval=50ms"));
		args.addAll(db.springArgs());
		return args;
	}

	private int runHere(Path key) {
		return Cli.run(args(key).toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aStoppedRunResumedWithAnotherKeyStopsAtOnceAndWritesNothing(TestDatabase.Kind kind) throws Exception {
		db = TestDatabase.create(kind, Files.createDirectories(tmp.resolve("db")));
		Path k1File = keyFile("k1.key");
		Path k2File = keyFile("k2.key");
		DeliveryKey k1 = DeliveryKey.load(k1File);
		DeliveryKey k2 = DeliveryKey.load(k2File);

		ChildRun first = ChildRun.start(tmp, args(k1File));
		assertThat(first.awaitProgress(0.3, STEP)).as(first.output()).isTrue();
		first.terminate();
		assertThat(first.exitCode(STEP)).as(first.output()).isEqualTo(1);
		Map<String, Object> before = snapshot();
		assertThat((Long) before.get("notifications")).isPositive();

		assertThat(runHere(k2File)).as(out + "\n" + err).isEqualTo(2);

		long run = db.jdbc().queryForObject("select job_instance_id from batch_job_instance", Long.class);
		assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("keyshift: run " + run + " seals its tokens with delivery key"
				+ " id " + k1.id() + ", but --delivery-key-file " + k2File + " has id " + k2.id() + ": give the key the"
				+ " run began with (a run's notifications must all open with one key). Nothing was written."
				+ System.lineSeparator());
		assertThat(snapshot()).isEqualTo(before);

		// as the previous release left a run: no key id recorded anywhere; one notification is tried
		db.jdbc().update("delete from run_delivery_key");
		db.jdbc().update("update token_notification set delivery_key_id = null");
		Map<String, Object> legacy = snapshot();
		err.reset();
		assertThat(runHere(k2File)).as(out + "\n" + err).isEqualTo(2);
		assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("keyshift: run " + run + "'s notifications were"
				+ " sealed with another delivery key than --delivery-key-file " + k2File + " (id " + k2.id() + "):"
				+ " give the key the run began with (a run's notifications must all open with one key). Nothing was"
				+ " written." + System.lineSeparator());
		assertThat(snapshot()).isEqualTo(legacy);

		err.reset();
		assertThat(runHere(k1File)).as(out + "\n" + err).isZero();
		assertThat(db.jdbc()
			.queryForList("select distinct delivery_key_id from token_notification where delivery_key_id is not null",
					String.class))
			.containsExactly(k1.id());
		assertThat(db.jdbc().queryForList("select key_id from run_delivery_key", String.class))
			.containsExactly(k1.id());
		assertEveryNotificationOpensWith(k1);
	}

	/** What a resume could change: product rows, decisions, and Spring Batch's executions. */
	private Map<String, Object> snapshot() {
		return db.jdbc().queryForMap("""
				select (select count(*) from token_notification) notifications,
				       (select count(*) from personal_access_token) tokens,
				       (select count(*) from legacy_api_key) keys,
				       (select count(*) from legacy_api_key where status <> 'ACTIVE') moved,
				       (select count(*) from migration_decision) decisions,
				       (select count(*) from batch_job_execution) executions,
				       (select count(*) from batch_step_execution) steps,
				       (select count(*) from run_delivery_key) run_keys""");
	}

	private void assertEveryNotificationOpensWith(DeliveryKey key) {
		DeliveryCipher cipher = new DeliveryCipher(key, new SecureRandom());
		int[] opened = { 0 };
		db.jdbc().query("select id, user_id, payload from token_notification", rs -> {
			UUID id = UUID.fromString(rs.getString(1));
			cipher.decrypt(Base64.getDecoder().decode(rs.getString(3)),
					MigrateProcessor.associatedData(id, rs.getLong(2)));
			opened[0]++;
		});
		assertThat(opened[0]).isEqualTo(db.jdbc().queryForObject("select count(*) from token_notification",
				Integer.class));
	}

	private Path keyFile(String name) throws IOException {
		byte[] raw = new byte[32];
		new SecureRandom().nextBytes(raw);
		Path file = Files.writeString(tmp.resolve(name), Base64.getEncoder().encodeToString(raw) + "\n");
		// readable only by its owner, as the README makes it (a wider one earns a warning line)
		Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
		return file;
	}
}
