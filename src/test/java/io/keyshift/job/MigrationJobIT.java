package io.keyshift.job;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.opencsv.CSVParser;
import io.keyshift.cli.Cli;
import io.keyshift.notify.NotificationPayload;
import io.keyshift.support.Csv;
import io.keyshift.support.TestDatabase;
import io.keyshift.token.DeliveryCipher;
import io.keyshift.token.DeliveryKey;
import io.keyshift.token.Digests;
import io.keyshift.token.TokenMinter;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole product as an operator uses it, through the command line, on the sample export: dry
 * run, real run, the same command again, and a later export with one new user. On H2 and PostgreSQL.
 */
@ExtendWith(OutputCaptureExtension.class)
class MigrationJobIT {

	private static final Path SAMPLE = Path.of("sample-data");

	private static final Path EXPECTED = Path.of("src/test/resources/sample-expected");

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
		return Cli.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private Path deliveryKey() throws IOException {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		Path file = tmp.resolve("delivery.key");
		Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
		return file;
	}

	/**
	 * The columns of report.csv that do not depend on the run: all but {@code token_id} and {@code token_hint}
	 * (random; checked against the tokens themselves).
	 */
	private static final String[] REPORT_COLUMNS = { "user_id", "email", "account_id", "account_name", "outcome",
			"reason", "permissions", "notes" };

	private static List<String> expectedReport(boolean dryRun) {
		List<String> rows = Csv.project(Csv.read(EXPECTED.resolve("report.csv")), REPORT_COLUMNS);
		return dryRun ? rows.stream().map(r -> r.replace("|CREATED|", "|WOULD_CREATE|")).toList() : rows;
	}

	private static List<String> actualReport(Path reportDir) {
		return Csv.project(Csv.read(reportDir.resolve("report.csv")), REPORT_COLUMNS);
	}

	/**
	 * rejects.csv: file, line and reason as expected, and each record is its input line as read, the legacy
	 * key (if any) shown as {@code [redacted]}.
	 */
	private static void assertRejects(Path reportDir) throws IOException {
		List<Map<String, String>> rejects = Csv.read(reportDir.resolve("rejects.csv"));
		assertThat(Csv.project(rejects, "file", "line", "reason"))
			.containsExactlyInAnyOrderElementsOf(Csv.project(Csv.read(EXPECTED.resolve("rejects.csv")), "file", "line",
					"reason"));
		for (Map<String, String> reject : rejects) {
			String line = Files.readAllLines(SAMPLE.resolve(reject.get("file"))).get(Integer.parseInt(reject.get("line")) - 1);
			if (reject.get("file").equals("legacy_api_keys.csv")) {
				for (Map<String, String> key : Csv.read(SAMPLE.resolve("legacy_api_keys.csv"))) {
					if (!key.get("api_key").isEmpty()) {
						line = line.replace(key.get("api_key"), "[redacted]");
					}
				}
				// a rejected key row shows no cell invalid for its column: the one its reason names is masked too
				String[] header = new CSVParser().parseLine(Files.readAllLines(SAMPLE.resolve("legacy_api_keys.csv")).get(0));
				String[] cells = new CSVParser().parseLine(line);
				int named = List.of(header).indexOf(reject.get("reason").split(" ")[0]);
				if (named >= 0 && cells.length == header.length && !reject.get("reason").contains("appears on")) {
					cells[named] = cells[named].isEmpty() ? "" : "[redacted]";
					line = String.join(",", cells);
				}
			}
			assertSameRow(reject.get("record"), line, reject.get("file") + " line " + reject.get("line"));
		}
	}

	/**
	 * The record is the input row, cell by cell; a timestamp may be written in another offset (a row
	 * rejected for a repeated key_id is written back from its parsed values) but is the same instant.
	 */
	private static void assertSameRow(String record, String line, String where) throws IOException {
		CSVParser csv = new CSVParser();
		String[] got = csv.parseLine(record);
		String[] expected = csv.parseLine(line);
		assertThat(got).as(where).hasSameSizeAs(expected);
		for (int i = 0; i < expected.length; i++) {
			if (!got[i].equals(expected[i]) && got[i].matches("\\d{4}-\\d\\d-\\d\\dT.*")) {
				assertThat(OffsetDateTime.parse(got[i]).toInstant()).as("%s, cell %d", where, i + 1)
					.isEqualTo(OffsetDateTime.parse(expected[i]).toInstant());
			}
			else {
				assertThat(got[i]).as("%s, cell %d", where, i + 1).isEqualTo(expected[i]);
			}
		}
	}

	private long count(String table) {
		return db.jdbc().queryForObject("select count(*) from " + table, Long.class);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void dryRunReportsEveryDecisionAndWritesNoProductRow(TestDatabase.Kind kind) throws IOException {
		db = TestDatabase.create(kind, tmp);
		Path report = tmp.resolve("dry");
		assertThat(run("migrate", "--input", SAMPLE.toString(), "--dry-run", "--report-dir", report.toString()))
			.as(err.toString()).isZero();
		assertThat(actualReport(report)).containsExactlyElementsOf(expectedReport(true));
		assertThat(Csv.project(Csv.read(report.resolve("report.csv")), "token_id", "token_hint"))
			.as("a dry run mints nothing").containsOnly("|");
		assertRejects(report);
		for (String table : List.of("legacy_api_key", "personal_access_token", "personal_access_token_permission",
				"token_notification")) {
			assertThat(count(table)).as(table).isZero();
		}
		assertThat(report.resolve("summary.json")).exists();
		assertThat(report.resolve("summary.html")).exists();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void realRunMintsVerifiableTokensThenRerunsDoNothingAndALaterExportMigratesOnlyTheNewUser(
			TestDatabase.Kind kind, CapturedOutput logs) throws IOException {
		db = TestDatabase.create(kind, tmp);
		Path key = deliveryKey();
		Path report = tmp.resolve("real");
		// membership line 87 names no readable user: a real run stops on it until the operator accepts it
		assertThat(run("migrate", "--input", SAMPLE.toString(), "--report-dir", report.toString(),
				"--delivery-key-file", key.toString()))
			.isEqualTo(2);
		assertThat(err.toString()).contains("account_memberships.csv line 87: 1 membership row names no readable"
				+ " user_id").contains("--accept-unattributed-rows").contains("Nothing was written.");
		for (String table : List.of("legacy_api_key", "personal_access_token", "token_notification", "stg_membership",
				"input_reject")) {
			assertThat(count(table)).as(table).isZero();
		}
		err.reset();
		String[] command = { "migrate", "--input", SAMPLE.toString(), "--report-dir", report.toString(),
				"--delivery-key-file", key.toString(), "--accept-unattributed-rows" };

		assertThat(run(command)).as(err.toString()).isZero();

		List<String> expected = expectedReport(false);
		assertThat(actualReport(report)).containsExactlyElementsOf(expected);
		assertRejects(report);
		long created = expected.stream().filter(r -> r.contains("|CREATED|")).count();
		JdbcTemplate jdbc = db.jdbc();
		assertThat(count("personal_access_token")).isEqualTo(created);
		assertThat(jdbc.queryForObject("select count(distinct token_digest) from personal_access_token", Long.class))
			.isEqualTo(created);
		// the tokens exist only inside sealed notifications, and they match their digests
		List<String> tokens = openNotifications(jdbc, DeliveryKey.load(key));
		assertThat(tokens).hasSize((int) created).allMatch(TokenMinter::isWellFormed);
		Map<String, String> tokenByDigest = new java.util.HashMap<>();
		for (String token : tokens) {
			tokenByDigest.put(Digests.sha256Hex(token), token);
		}
		// every CREATED row names its token and that token's last four characters, and the token holds
		// exactly the reported permissions
		for (Map<String, String> row : Csv.read(report.resolve("report.csv"))) {
			if (!row.get("outcome").equals("CREATED")) {
				assertThat(row.get("token_id")).isEmpty();
				assertThat(row.get("token_hint")).isEmpty();
				continue;
			}
			Map<String, Object> pat = jdbc.queryForMap(
					"select token_digest, token_hint from personal_access_token where id = ?",
					UUID.fromString(row.get("token_id")));
			String token = tokenByDigest.get((String) pat.get("token_digest"));
			assertThat(token).as("the sealed token of %s", row.get("token_id")).isNotEmpty();
			assertThat(row.get("token_hint")).hasSize(4)
				.isEqualTo(token.substring(token.length() - 4))
				.isEqualTo(pat.get("token_hint"));
			List<String> grants = jdbc.queryForList("""
					select p.permission_set || '@' || coalesce(cast(p.project_id as varchar(20)), 'all')
					from personal_access_token_permission p join personal_access_token t on t.id = p.token_id
					where t.id = ? and t.user_id = ? and t.account_id = ?""", String.class,
					UUID.fromString(row.get("token_id")), Long.parseLong(row.get("user_id")),
					Long.parseLong(row.get("account_id")));
			assertThat(String.join(";", grants.stream().sorted(MigrationJobIT::byPermission).toList()))
				.isEqualTo(row.get("permissions"));
		}
		assertThat(tokenByDigest.keySet()).as("every sealed token is a stored one")
			.isEqualTo(new java.util.HashSet<>(
					jdbc.queryForList("select token_digest from personal_access_token", String.class)));
		assertNoSecretAnywhere(report, logs, tokens);
		assertKeyStatuses("MIGRATED");

		// the same command again: nothing to do, nothing written
		long tokensBefore = count("personal_access_token");
		long decisionsBefore = count("migration_decision");
		out.reset();
		assertThat(run(command)).isZero();
		assertThat(out.toString()).contains("already completed").contains("nothing to do");
		assertThat(count("personal_access_token")).isEqualTo(tokensBefore);
		assertThat(count("migration_decision")).isEqualTo(decisionsBefore);

		// a later export with one new user: everyone else is ALREADY_MIGRATED, only the new user gets a token
		Path later = laterExportWithOneNewUser();
		Path laterReport = tmp.resolve("later");
		assertThat(run("migrate", "--input", later.toString(), "--report-dir", laterReport.toString(),
				"--delivery-key-file", key.toString(), "--accept-unattributed-rows"))
			.as(err.toString()).isZero();
		List<String> laterRows = actualReport(laterReport);
		assertThat(laterRows).filteredOn(r -> r.contains("|CREATED|"))
			.containsExactly("9001|new.user@example.com|1001|Northwind Traders|CREATED||developer@all|");
		assertThat(laterRows).filteredOn(r -> r.contains("|ALREADY_MIGRATED|")).hasSize((int) created);
		assertThat(count("personal_access_token")).isEqualTo(tokensBefore + 1);
		assertThat(jdbc.queryForObject(
				"select count(*) from token_notification where run_id = (select max(run_id) from token_notification)",
				Long.class))
			.as("only the new user is notified").isOne();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void revokingRunRevokesEveryKeyItMigratesAndLeavesQuarantinedUsersKeysActive(TestDatabase.Kind kind)
			throws IOException {
		db = TestDatabase.create(kind, tmp);
		Path report = tmp.resolve("revoke");
		assertThat(run("migrate", "--input", SAMPLE.toString(), "--report-dir", report.toString(),
				"--delivery-key-file", deliveryKey().toString(), "--revoke-legacy-keys", "--accept-unattributed-rows"))
			.as(err.toString()).isZero();
		assertThat(actualReport(report)).containsExactlyElementsOf(expectedReport(false));
		assertKeyStatuses("REVOKED");
	}

	/**
	 * Every legacy key of a user with a quarantined row in the expected report stays ACTIVE (a user with
	 * two keys is quarantined, so both stay), every other key ends {@code endStatus} with the right
	 * timestamps: 19 and 19 of the sample's 38 valid keys (sample-data/README.md).
	 */
	private void assertKeyStatuses(String endStatus) {
		List<Map<String, String>> rows = Csv.read(EXPECTED.resolve("report.csv"));
		java.util.Set<Long> users = new java.util.HashSet<>();
		java.util.Set<Long> quarantined = new java.util.HashSet<>();
		for (Map<String, String> row : rows) {
			users.add(Long.parseLong(row.get("user_id")));
			if (row.get("outcome").equals("QUARANTINED")) {
				quarantined.add(Long.parseLong(row.get("user_id")));
			}
		}
		assertThat(quarantined).isNotEmpty();
		List<Map<String, Object>> keys = db.jdbc().queryForList(
				"select user_id, status, migrated_at, revoked_at from legacy_api_key order by key_id");
		assertThat(keys).hasSizeGreaterThan(users.size()); // some users have two keys
		for (Map<String, Object> key : keys) {
			long user = ((Number) key.get("user_id")).longValue();
			assertThat(users).contains(user);
			String expected = quarantined.contains(user) ? "ACTIVE" : endStatus;
			assertThat(key.get("status")).as("key of user %d", user).isEqualTo(expected);
			assertThat(key.get("migrated_at") != null).as("migrated_at of user %d", user)
				.isEqualTo(!expected.equals("ACTIVE"));
			assertThat(key.get("revoked_at") != null).as("revoked_at of user %d", user)
				.isEqualTo(expected.equals("REVOKED"));
		}
		assertThat(keys).hasSize(38);
		assertThat(keys).filteredOn(k -> k.get("status").equals("ACTIVE")).hasSize(19);
	}

	private static int byPermission(String a, String b) {
		String[] x = a.split("@");
		String[] y = b.split("@");
		int bySet = x[0].compareTo(y[0]);
		if (bySet != 0) {
			return bySet;
		}
		if (x[1].equals("all") || y[1].equals("all")) {
			return x[1].equals(y[1]) ? 0 : x[1].equals("all") ? -1 : 1;
		}
		return Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
	}

	private static List<String> openNotifications(JdbcTemplate jdbc, DeliveryKey key) {
		DeliveryCipher cipher = new DeliveryCipher(key, new SecureRandom());
		List<String> tokens = new ArrayList<>();
		jdbc.query("select id, user_id, payload from token_notification", rs -> {
			UUID id = UUID.fromString(rs.getString(1));
			byte[] json = cipher.decrypt(Base64.getDecoder().decode(rs.getString(3)),
					MigrateProcessor.associatedData(id, rs.getLong(2)));
			NotificationPayload payload = NotificationPayload.fromJson(json);
			assertThat(payload.userId()).isEqualTo(rs.getLong(2));
			payload.tokens().forEach(t -> tokens.add(t.token()));
		});
		return tokens;
	}

	private void assertNoSecretAnywhere(Path report, CapturedOutput logs, List<String> tokens) throws IOException {
		List<String> secrets = new ArrayList<>(tokens);
		for (Map<String, String> row : Csv.read(SAMPLE.resolve("legacy_api_keys.csv"))) {
			String secret = row.get("api_key");
			if (secret != null && secret.length() >= 8) {
				secrets.add(secret);
			}
		}
		assertThat(secrets).hasSizeGreaterThan(tokens.size() + 30);
		StringBuilder everything = new StringBuilder(logs.getAll()).append(out).append(err);
		try (Stream<Path> files = Files.list(report)) {
			for (Path file : files.toList()) {
				everything.append(Files.readString(file));
			}
		}
		everything.append(databaseText());
		String haystack = everything.toString();
		for (String secret : secrets) {
			assertThat(haystack).doesNotContain(secret);
		}
	}

	/** Every text column of every table, product and Spring Batch alike. */
	private String databaseText() {
		JdbcTemplate jdbc = db.jdbc();
		StringBuilder text = new StringBuilder();
		List<Map<String, Object>> tables = jdbc.queryForList("""
				select table_name from information_schema.tables
				where lower(table_schema) in ('public') and table_type in ('BASE TABLE', 'TABLE')""");
		assertThat(tables).hasSizeGreaterThan(10);
		for (Map<String, Object> t : tables) {
			jdbc.query("select * from \"" + t.values().iterator().next() + "\"", rs -> {
				for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
					text.append(rs.getString(i)).append('\n');
				}
			});
		}
		return text.toString();
	}

	private Path laterExportWithOneNewUser() throws IOException {
		Path later = tmp.resolve("later-export");
		Files.createDirectories(later);
		for (String file : List.of("accounts.csv", "legacy_api_keys.csv", "account_memberships.csv",
				"api_key_usage.csv")) {
			Files.copy(SAMPLE.resolve(file), later.resolve(file));
		}
		Files.writeString(later.resolve("legacy_api_keys.csv"),
				"9901,9001,new.user@example.com,ak_newuser0000000000000000000000000000001,2026-11-20T10:00:00Z,\n",
				java.nio.file.StandardOpenOption.APPEND);
		List<String> header = Files.readAllLines(later.resolve("account_memberships.csv")).subList(0, 1);
		String[] columns = header.get(0).split(",");
		List<String> cells = new ArrayList<>();
		for (String column : columns) {
			cells.add(switch (column.strip()) {
				case "user_id" -> "9001";
				case "account_id" -> "1001";
				case "license_type" -> "developer";
				case "permission_set" -> "developer";
				default -> "";
			});
		}
		Files.writeString(later.resolve("account_memberships.csv"), String.join(",", cells) + "\n",
				java.nio.file.StandardOpenOption.APPEND);
		return later;
	}
}
