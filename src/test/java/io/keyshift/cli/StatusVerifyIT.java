package io.keyshift.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyshift.generate.ExportGenerator;
import io.keyshift.support.ChildRun;
import io.keyshift.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code keyshift status} and {@code keyshift verify} (issue 17) on H2 and PostgreSQL: status on a
 * completed dry run, a real run resumed to completion, and a stopped one; verify on a sound database,
 * then with each invariant broken on purpose by SQL.
 */
class StatusVerifyIT {

	private static final Path SAMPLE = Path.of("sample-data");

	@TempDir
	Path tmp;

	private TestDatabase db;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

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

	/** No token (dbtu_...) and none of the sample's legacy keys (its api_key column). */
	private static void assertNoSecret(String output) throws IOException {
		assertThat(output).doesNotContain("dbtu_");
		List<String> lines = Files.readAllLines(SAMPLE.resolve("legacy_api_keys.csv"));
		int column = List.of(lines.get(0).split(",")).indexOf("api_key");
		int checked = 0;
		for (String line : lines.subList(1, lines.size())) {
			String[] fields = line.split(",");
			if (fields.length > column && fields[column].length() >= 16) {
				assertThat(output).doesNotContain(fields[column]);
				checked++;
			}
		}
		assertThat(checked).isGreaterThan(30);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void statusShowsEveryRunWithItsStateAttemptsAndOutcomes(TestDatabase.Kind kind) throws Exception {
		db = TestDatabase.create(kind, tmp);
		Path sample = copyOfSample("sample");
		Path other = copyOfSample("other");
		Path key = key();
		// run 1: a dry run, completed
		assertThat(run("migrate", "--input", sample.toString(), "--dry-run", "--report-dir",
				tmp.resolve("r1").toString())).as(err.toString()).isZero();
		// run 2: real; stops on the unattributed membership row, then resumes with the option and completes
		assertThat(run("migrate", "--input", sample.toString(), "--delivery-key-file", key.toString())).isEqualTo(2);
		assertThat(run("migrate", "--input", sample.toString(), "--delivery-key-file", key.toString(),
				"--accept-unattributed-rows")).as(err.toString()).isZero();
		// run 3: real, stopped on the same row, not resumed
		assertThat(run("migrate", "--input", other.toString(), "--delivery-key-file", key.toString())).isEqualTo(2);

		assertThat(run("status", "--json")).as(err.toString()).isZero();
		assertThat(err.toString()).isEmpty();
		JsonNode status = new ObjectMapper().readTree(out.toString());
		JsonNode runs = status.get("runs");
		assertThat(runs).hasSize(3);

		JsonNode dry = runs.get(0);
		assertThat(dry.get("run_id").asLong()).isEqualTo(1);
		assertThat(dry.get("dry_run").asBoolean()).isTrue();
		assertThat(dry.get("state").asText()).isEqualTo("COMPLETED");
		assertThat(dry.get("attempts").asInt()).isEqualTo(1);
		assertThat(dry.get("running").asBoolean()).isFalse();
		assertThat(dry.get("input").asText()).isEqualTo(sample.toAbsolutePath().normalize().toString());
		assertThat(dry.get("input_digest").asText()).matches("[0-9a-f]{64}");

		JsonNode real = runs.get(1);
		assertThat(real.get("run_id").asLong()).isEqualTo(2);
		assertThat(real.get("dry_run").asBoolean()).isFalse();
		assertThat(real.get("state").asText()).isEqualTo("COMPLETED");
		assertThat(real.get("attempts").asInt()).isEqualTo(2);
		assertThat(real.get("started").asText()).isNotEmpty();
		assertThat(real.get("ended").asText()).isNotEmpty();
		assertThat(real.get("users_in_scope").asLong()).isEqualTo(36); // sample-data/README.md: 36 users
		// README's sample run: QUARANTINED 17, SKIPPED 11, WOULD_CREATE 21 (a real run creates them)
		assertThat(new ObjectMapper().convertValue(real.get("outcomes"), Map.class))
			.isEqualTo(Map.of("CREATED", 21, "QUARANTINED", 17, "SKIPPED", 11));
		assertThat(real.get("ran_by")).hasSize(1);
		assertThat(real.get("ran_by").get(0).asText()).contains("pid " + ProcessHandle.current().pid());
		assertThat(real.get("input_digest").asText()).isEqualTo(dry.get("input_digest").asText());

		JsonNode stopped = runs.get(2);
		assertThat(stopped.get("run_id").asLong()).isEqualTo(3);
		assertThat(stopped.get("state").asText()).isIn("FAILED", "STOPPED");
		assertThat(stopped.get("attempts").asInt()).isEqualTo(1);
		assertThat(stopped.get("ended").isNull()).isFalse();
		assertThat(stopped.get("running").asBoolean()).isFalse();
		assertThat(stopped.get("outcomes").size()).isZero();

		// README's sample run queues 22 notifications; none is delivered yet
		assertThat(status.get("notifications").get("PENDING").asLong()).isEqualTo(22);
		assertThat(status.get("notifications").has("DELIVERED")).isFalse();

		assertThat(run("status")).isZero();
		assertThat(out.toString()).contains("run 1  dry run  COMPLETED  attempts 1", "run 2  real  COMPLETED  attempts 2",
				"run 3  real  " + stopped.get("state").asText() + "  attempts 1", "outcomes CREATED 21, QUARANTINED 17,"
						+ " SKIPPED 11", "notifications: PENDING 22", "input " + sample.toAbsolutePath().normalize());
		assertNoSecret(out.toString() + err);
		assertThat(dry.get("report_dir").asText()).isEqualTo(tmp.resolve("r1").toString());

		// run 4: a dry run without --report-dir (in a process of its own, so its reports/ is under tmp):
		// status names the directory its report step chose, though a dry run keeps no run_record row
		List<String> args = new ArrayList<>(List.of("migrate", "--input", sample.toString(), "--dry-run"));
		args.addAll(db.springArgs());
		ChildRun child = ChildRun.start(tmp, args);
		assertThat(child.exitCode(Duration.ofMinutes(3))).as(child.output()).isZero();
		Matcher chosen = Pattern.compile("Report: (reports/dry-run-4-\\d{8}-\\d{6})").matcher(child.output());
		assertThat(chosen.find()).as(child.output()).isTrue();
		assertThat(tmp.resolve(chosen.group(1)).resolve("summary.json")).exists();
		assertThat(run("status", "--json")).as(err.toString()).isZero();
		JsonNode rehearsal = new ObjectMapper().readTree(out.toString()).get("runs").get(3);
		assertThat(rehearsal.get("report_dir").asText()).isEqualTo(chosen.group(1));
		assertThat(run("status")).isZero();
		assertThat(out.toString()).contains("  report " + chosen.group(1) + System.lineSeparator());
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void statusAndVerifyOnAnEmptyDirectoryCreateNoDatabase(TestDatabase.Kind kind) {
		db = TestDatabase.create(kind, tmp);
		Path nowhere = tmp.resolve("nowhere/keyshift");
		for (String command : new String[] { "status", "verify" }) {
			out.reset();
			err.reset();
			int exit = Cli.run(new String[] { command, "--spring.datasource.url=jdbc:h2:file:" + nowhere },
					new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
			assertThat(exit).isEqualTo(2);
			assertThat(err.toString()).isEqualTo("keyshift: no keyshift database at " + nowhere + ".mv.db: run "
					+ command + " in the directory migrate ran in (its embedded database is ./data there), or point"
					+ " SPRING_DATASOURCE_URL at migrate's database." + System.lineSeparator());
		}
		assertThat(tmp.resolve("nowhere")).doesNotExist();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void verifyPassesASoundDatabaseAndListsEveryInvariantBrokenOnPurpose(TestDatabase.Kind kind) throws Exception {
		db = TestDatabase.create(kind, tmp);
		Path sample = copyOfSample("sample");
		assertThat(run("migrate", "--input", sample.toString(), "--delivery-key-file", key().toString(),
				"--accept-unattributed-rows")).as(err.toString()).isZero();
		assertThat(run("verify")).as(out.toString() + err).isZero();
		assertThat(out.toString()).isEqualTo("keyshift: verify: every invariant holds" + System.lineSeparator());

		var jdbc = db.jdbc();
		// 1. a delivered notification that kept its payload
		String notification = jdbc.queryForObject(
				"select cast(min(cast(id as varchar(36))) as varchar(36)) from token_notification", String.class);
		jdbc.update("update token_notification set status = 'DELIVERED', delivered_at = current_timestamp"
				+ " where cast(id as varchar(36)) = ?", notification);
		// 2. a legacy key revoked although no run decided so (user 2001 is migrated in the sample)
		long key = jdbc.queryForObject("select key_id from legacy_api_key where user_id = 2001", Long.class);
		assertThat(jdbc.queryForObject("select status from legacy_api_key where key_id = ?", String.class, key))
			.isEqualTo("MIGRATED");
		jdbc.update("update legacy_api_key set status = 'REVOKED', revoked_at = current_timestamp where key_id = ?", key);
		// 3. a token revoked behind the audit trail's back
		List<Map<String, Object>> tokens = jdbc.queryForList("""
				select cast(id as varchar(36)) id, user_id, account_id from personal_access_token
				where status = 'ACTIVE' order by user_id, account_id""");
		Map<String, Object> revoked = tokens.get(0);
		jdbc.update("update personal_access_token set status = 'REVOKED', revoked_at = current_timestamp,"
				+ " revoke_reason = 'ACCOUNT_INACTIVE' where cast(id as varchar(36)) = ?", revoked.get("id"));
		// 4. a project grant beside the same set on all projects: not normalised
		Map<String, Object> widened = tokens.stream()
			.skip(1)
			.filter(t -> jdbc.queryForObject("""
					select count(*) from personal_access_token_permission
					where cast(token_id as varchar(36)) = ? and project_id is null""", Long.class, t.get("id")) > 0)
			.findFirst()
			.orElseThrow();
		String everywhere = jdbc.queryForObject("""
				select min(permission_set) from personal_access_token_permission
				where cast(token_id as varchar(36)) = ? and project_id is null""", String.class, widened.get("id"));
		jdbc.update("insert into personal_access_token_permission (token_id, permission_set, project_id)"
				+ " select id, ?, 987654 from personal_access_token where cast(id as varchar(36)) = ?", everywhere,
				widened.get("id"));
		// 5. a second ACTIVE token for one pair, once the constraint that forbids it is gone
		Map<String, Object> doubled = tokens.stream().skip(1).filter(t -> t != widened).findFirst().orElseThrow();
		jdbc.execute("alter table personal_access_token drop constraint personal_access_token_active_pair");
		jdbc.update("""
				insert into personal_access_token (id, user_id, account_id, legacy_key_id, name, token_digest, token_hint,
				                                   created_at, run_id, status, updated_at)
				select cast(? as uuid), user_id, account_id, legacy_key_id, name, ?, token_hint, created_at, run_id,
				       'ACTIVE', updated_at
				from personal_access_token where cast(id as varchar(36)) = ?""",
				"00000000-0000-4000-8000-000000000001", "f".repeat(64), doubled.get("id"));

		assertThat(run("verify")).as(out.toString() + err).isEqualTo(1);
		String list = out.toString();
		assertThat(list).contains("broken: a delivered notification holds no payload (1)", "  notification "
				+ notification + " (user ");
		assertThat(list).contains("broken: legacy key status agrees with its user's decisions (SPEC §5)",
				"  legacy key " + key + " (user 2001) is REVOKED, but no real run decided that for its user",
				"  user 2001: run 1 (the user's latest real run) made the legacy key MIGRATED, but the user's keys are "
						+ key + " REVOKED");
		assertThat(list).contains("  token " + revoked.get("id") + " (user " + revoked.get("user_id") + ", account "
				+ revoked.get("account_id") + ") is REVOKED, but its events leave it ACTIVE");
		// the widened token, and the copy (inserted without permission rows)
		assertThat(list).contains("broken: permissions normalised (SPEC §3.1) (2)", "  token "
				+ "00000000-0000-4000-8000-000000000001 (user " + doubled.get("user_id") + ", account "
				+ doubled.get("account_id") + ") is ACTIVE with no permissions", "  token " + widened.get("id")
				+ " (user " + widened.get("user_id") + ", account " + widened.get("account_id") + ") has ");
		assertThat(list).contains(everywhere + "@987654");
		assertThat(list).contains("broken: one ACTIVE personal access token per (user, account) (1)", "  user "
				+ doubled.get("user_id") + ", account " + doubled.get("account_id") + " has 2 ACTIVE tokens");
		// the copy has no history: it was never minted
		assertThat(list).contains("  token 00000000-0000-4000-8000-000000000001 (user " + doubled.get("user_id")
				+ ", account " + doubled.get("account_id") + ") has no MINTED event first (no events at all)");
		assertThat(err.toString()).startsWith("keyshift: verify found ").endsWith(" problems (listed above); it"
				+ " changed nothing." + System.lineSeparator());
		assertNoSecret(list + err);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void verifyWithAnExportListsTheTokensTheNextRunWouldChangeAndChangesNothing(TestDatabase.Kind kind)
			throws Exception {
		db = TestDatabase.create(kind, tmp);
		Path sample = copyOfSample("sample");
		assertThat(run("migrate", "--input", sample.toString(), "--delivery-key-file", key().toString(),
				"--accept-unattributed-rows")).as(err.toString()).isZero();
		String before = snapshot();

		// the export the tokens were made from: nothing drifted
		assertThat(run("verify", "--input", sample.toString())).as(out.toString() + err).isZero();
		assertThat(out.toString()).startsWith("keyshift: verify: every invariant holds; ")
			.contains(" ACTIVE tokens compared with " + sample);

		// README "6. A later export": 2 tokens updated, 8 revoked
		assertThat(run("verify", "--input", sample.resolve("later").toString())).as(out.toString() + err).isEqualTo(1);
		String list = out.toString();
		assertThat(list).contains("broken: ACTIVE tokens carry what the export gives (SPEC §3) (10)");
		assertThat(list).containsPattern("token [0-9a-f-]{36} \\(user 2001, account 1001\\) has"
				+ " 'admin@12;admin@15;developer@all', the export gives 'readonly@all'");
		assertThat(list).containsPattern("\\(user 2032, account \\d+\\) has '[^']*', the export gives"
				+ " 'developer@all;job_admin@55'");
		assertThat(list).containsPattern("\\(user 2038, account 1014\\) has '[^']*', the export gives none"
				+ " \\(NO_DEVELOPER_LICENSE\\): the next real run revokes it");
		assertThat(list).containsPattern("\\(user 2002, account 1008\\) has '[^']*', the export gives none"
				+ " \\(MEMBERSHIP_REMOVED\\)");
		for (String user : new String[] { "2025", "2029", "2037" }) {
			assertThat(list).containsPattern("\\(user " + user + ", account 1015\\) has '[^']*', the export gives"
					+ " none \\(ACCOUNT_INACTIVE\\)");
		}
		assertThat(list).doesNotContain("broken: legacy key", "broken: one ACTIVE", "broken: permissions normalised");
		assertNoSecret(list + err);
		assertThat(snapshot()).isEqualTo(before);

		assertThat(run("verify", "--input", tmp.resolve("missing").toString())).isEqualTo(2);
		assertThat(err.toString()).isEqualTo("keyshift: " + tmp.resolve("missing") + ": input directory does not"
				+ " exist or is not a directory. Nothing was checked." + System.lineSeparator());

		// the later export run for real (updates, revocations, a regenerated key, a key that changed owner):
		// everything agrees again, with the database and with that export
		assertThat(run("migrate", "--input", sample.resolve("later").toString(), "--delivery-key-file",
				key().toString())).as(err.toString()).isZero();
		assertThat(run("verify", "--input", sample.resolve("later").toString())).as(out.toString() + err).isZero();
		assertThat(out.toString()).startsWith("keyshift: verify: every invariant holds; ");
	}

	/** The product's tables, as text: verify must leave them exactly so. */
	private String snapshot() {
		var jdbc = db.jdbc();
		return jdbc.queryForList("select cast(id as varchar(36)), status, revoke_reason from personal_access_token"
				+ " order by 1").toString()
				+ jdbc.queryForList("select cast(token_id as varchar(36)), permission_set, project_id from"
						+ " personal_access_token_permission order by 1, 2, 3").toString()
				+ jdbc.queryForList("select key_id, status from legacy_api_key order by 1").toString()
				+ jdbc.queryForObject("select count(*) from token_event", Long.class)
				+ jdbc.queryForList("select cast(id as varchar(36)), status from token_notification order by 1").toString();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void statusShowsTheLiveProgressOfARunThatIsGoingAndAKilledOneAsGone(TestDatabase.Kind kind) throws Exception {
		db = TestDatabase.create(kind, tmp);
		Path export = tmp.resolve("export");
		new ExportGenerator().generate(new ExportGenerator.Options(12_000, 7), export);
		// no --report-dir: its report step would choose one; until then status says what it will be
		List<String> args = new ArrayList<>(List.of("migrate", "--input", export.toString(), "--delivery-key-file",
				key().toString(), "--threads", "1",
				"--keyshift.chunk-size=100", "--keyshift.progress-interval=50ms"));
		args.addAll(db.springArgs());
		ChildRun child = ChildRun.start(tmp, args);
		try {
			assertThat(child.awaitProgress(0.2, Duration.ofMinutes(5))).as(child.output()).isTrue();
			child.pause();
			Matcher total = Pattern.compile("migrate: users: [0-9,]+ / ([0-9,]+)").matcher(child.output());
			assertThat(total.find()).isTrue();
			long inScope = Long.parseLong(total.group(1).replace(",", ""));

			if (kind == TestDatabase.Kind.H2) {
				// H2 lets one process open the file: status says who holds it
				assertThat(run("status")).isEqualTo(1);
				assertThat(err.toString()).startsWith("keyshift: a keyshift run holds the embedded database now (")
					.contains("pid " + child.pid());
				child.kill();
				assertThat(run("status", "--json")).as(err.toString()).isZero();
				JsonNode gone = new ObjectMapper().readTree(out.toString()).get("runs").get(0);
				assertThat(gone.get("state").asText()).isEqualTo("STARTED");
				assertThat(gone.get("running").asBoolean()).isFalse();
				assertThat(gone.get("report_dir").isNull()).isTrue();
				assertThat(gone.get("report").asText()).isEqualTo("not written yet; it goes to"
						+ " reports/run-1-<time of its report step>, in the directory migrate runs in");
				return;
			}
			assertThat(run("status", "--json")).as(err.toString()).isZero();
			JsonNode going = new ObjectMapper().readTree(out.toString()).get("runs").get(0);
			assertThat(going.get("running").asBoolean()).isTrue();
			assertThat(going.get("state").asText()).isEqualTo("STARTED");
			assertThat(going.get("ended").isNull()).isTrue();
			JsonNode progress = going.get("progress");
			assertThat(progress.get("step").asText()).isEqualTo("migrate");
			assertThat(progress.get("users_in_scope").asLong()).isEqualTo(inScope);
			assertThat(progress.get("users_decided").asLong()).isBetween(1L, inScope - 1);
			assertThat(progress.get("users_per_second").asDouble()).isPositive();
			assertThat(progress.get("eta_seconds").asLong()).isNotNegative();
			assertThat(progress.get("paused").asBoolean()).isFalse();
			assertThat(going.get("report").asText()).startsWith("not written yet; it goes to reports/run-1-<time");
			assertThat(run("status")).isZero();
			assertThat(out.toString()).contains("run 1  real  RUNNING  attempts 1", "progress: step migrate, users decided ")
				.contains(String.format("/ %,d (", inScope));

			child.kill();
			// the killed process's connection goes, and with it the run lock: the run is not going any more
			long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
			JsonNode gone;
			do {
				assertThat(run("status", "--json")).isZero();
				gone = new ObjectMapper().readTree(out.toString()).get("runs").get(0);
			}
			while (gone.get("running").asBoolean() && System.nanoTime() < until);
			assertThat(gone.get("running").asBoolean()).isFalse();
			assertThat(gone.get("state").asText()).isEqualTo("STARTED");
			assertThat(run("status")).isZero();
			assertThat(out.toString()).contains("run 1  real  STARTED  attempts 1", "ended never (its process is gone?)");
		}
		finally {
			child.kill();
		}
	}
}
