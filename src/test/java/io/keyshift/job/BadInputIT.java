package io.keyshift.job;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.keyshift.cli.Cli;
import io.keyshift.support.Csv;
import io.keyshift.support.TestDatabase;
import org.flywaydb.core.Flyway;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input through the whole product (SPEC §2 "Bad input"), on H2 and PostgreSQL: hostile rows are
 * rejected and the run goes on; rejected membership rows count against their pair or user; rows
 * that belong to nobody stop a real run; a repeated id rejects every row carrying it; a headerless
 * key file prints no key; a row the database still refuses stops the run naming file and line.
 * Expected rows are derived by hand from the SPEC.
 */
@ExtendWith(OutputCaptureExtension.class)
class BadInputIT {

	private static final String ACCOUNTS = "account_id,account_name,plan,state\n";

	private static final String KEYS = "key_id,user_id,email,api_key,created_at,last_used_at\n";

	private static final String MEMBERSHIPS = "user_id,account_id,license_type,permission_set,project_id\n";

	private static final String T = "2026-11-09T12:00:00Z";

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

	private Path export(String name, String accounts, String keys, String memberships, String usage)
			throws IOException {
		Path dir = tmp.resolve(name);
		Files.createDirectories(dir);
		Files.writeString(dir.resolve("accounts.csv"), ACCOUNTS + accounts);
		Files.writeString(dir.resolve("legacy_api_keys.csv"), KEYS + keys);
		Files.writeString(dir.resolve("account_memberships.csv"), MEMBERSHIPS + memberships);
		if (usage != null) {
			Files.writeString(dir.resolve("api_key_usage.csv"), "key_id,endpoint,client,last_called_at,calls\n" + usage);
		}
		return dir;
	}

	private String[] real(Path input, String report, String... more) throws IOException {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		Path file = Files.writeString(tmp.resolve("delivery.key"), Base64.getEncoder().encodeToString(key) + "\n");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------")); // no warning on stderr
		List<String> args = new ArrayList<>(List.of("migrate", "--input", input.toString(), "--report-dir",
				tmp.resolve(report).toString(), "--delivery-key-file", file.toString()));
		args.addAll(List.of(more));
		return args.toArray(String[]::new);
	}

	private List<String> report(String report) {
		return Csv.project(Csv.read(tmp.resolve(report).resolve("report.csv")), "user_id", "account_id", "outcome",
				"reason", "permissions");
	}

	private List<Map<String, String>> rejects(String report) {
		return Csv.read(tmp.resolve(report).resolve("rejects.csv"));
	}

	private long count(String table) {
		return db.jdbc().queryForObject("select count(*) from " + table, Long.class);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void overLongValuesAndNulAreRejectedAndTheRunGoesOn(TestDatabase.Kind kind) throws IOException {
		db = TestDatabase.create(kind, tmp);
		String longName = "Long" + "n".repeat(997); // 1,001 characters: one over account_name's limit
		Path input = export("long", "1,Acme,team,active\n2," + longName + ",team,active\n3,Nul\u0000Corp,team,active\n",
				"10,7,paul@example.com,ak_paul_0123456789abcdef," + T + ",\n",
				"7,1,developer,admin,\n7,2,developer,admin,\n7,3,developer,admin,\n",
				"10,/" + "e".repeat(2000) + ",curl/8," + T + ",1\n10,/api/v2/accounts/1,cu\u0000rl," + T + ",1\n");

		assertThat(run(real(input, "report"))).as(err.toString()).isZero();

		assertThat(report("report")).containsExactly("7|1|CREATED||admin@all", "7|2|QUARANTINED|UNKNOWN_ACCOUNT|",
				"7|3|QUARANTINED|UNKNOWN_ACCOUNT|");
		assertThat(Csv.project(rejects("report"), "file", "line", "reason")).containsExactly(
				"accounts.csv|3|account_name is 1,001 characters long; the limit is 1,000 ('Long" + "n".repeat(53) + "...')",
				"accounts.csv|4|account_name holds NUL (U+0000), which no field may hold",
				"api_key_usage.csv|2|endpoint is 2,001 characters long; the limit is 2,000 ('/" + "e".repeat(56) + "...')",
				"api_key_usage.csv|3|client holds NUL (U+0000), which no field may hold");
		assertThat(rejects("report").get(1).get("record")).isEqualTo("3,Nul\\u0000Corp,team,active");
		assertThat(count("personal_access_token")).isOne();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aRowThatBelongsToNobodyStopsARealRunButNotADryRunOrAnAcceptingRun(TestDatabase.Kind kind,
			CapturedOutput logs) throws IOException {
		db = TestDatabase.create(kind, tmp);
		Path input = export("nobody", "1,Acme,team,active\n", "10,7,paul@example.com,ak_paul_0123456789abcdef," + T + ",\n",
				"7,1,developer,admin,\nu-9,1,developer,admin,\n", null);

		assertThat(run(real(input, "stopped"))).isEqualTo(2);
		assertThat(err.toString()).contains("keyshift: run 1 stopped: account_memberships.csv line 3: 1 membership row"
				+ " names no readable user_id, so it counts against nobody; a real run stops on such rows.")
			.contains("--accept-unattributed-rows")
			.endsWith("Nothing was written.\n")
			.doesNotContain("Rerun the same command to resume")
			.doesNotContain("Exception");
		assertThat(logs.getAll()).doesNotContain("Exception").doesNotContain("\tat ");
		for (String table : List.of("legacy_api_key", "personal_access_token", "token_notification", "stg_account",
				"stg_membership", "input_reject", "migration_decision")) {
			assertThat(count(table)).as(table).isZero();
		}

		err.reset();
		assertThat(run("migrate", "--input", input.toString(), "--dry-run", "--report-dir", tmp.resolve("dry").toString()))
			.as(err.toString()).isZero();
		assertThat(logs.getAll()).contains("input: account_memberships.csv line 3: 1 membership row names no readable"
				+ " user_id, so it counts against nobody; a real run would stop here");
		assertThat(Csv.project(rejects("dry"), "file", "line")).containsExactly("account_memberships.csv|3");
		assertThat(rejects("dry").get(0).get("reason")).contains("counts against nobody");
		assertThat(report("dry")).containsExactly("7|1|WOULD_CREATE||admin@all");

		assertThat(run(real(input, "accepted", "--accept-unattributed-rows"))).as(err.toString()).isZero();
		assertThat(report("accepted")).containsExactly("7|1|CREATED||admin@all");
		assertThat(logs.getAll()).contains("accepted (--accept-unattributed-rows)");
		assertThat(count("personal_access_token")).isOne();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aRejectedRowWhoseAccountCannotBeReadQuarantinesItsUserAndKeepsTheKeyActive(TestDatabase.Kind kind)
			throws IOException {
		db = TestDatabase.create(kind, tmp);
		Path input = export("user-level", "1,Acme,team,active\n",
				"10,5,duncan@example.com,ak_duncan_0123456789abcd," + T + ",\n"
						+ "11,6,gurney@example.com,ak_gurney_0123456789abcd," + T + ",\n"
						+ "12,8,thufir@example.com,ak_thufir_0123456789abcd," + T + ",\n",
				"5,1,developer,admin,\n5,1O,developer,git_admin,\n" // a garbled account: the whole user
						+ "6,,developer,admin,\n" // no account, and the user's only row
						+ "8,1,developer,admin,\n8,1,developer,superuser,\n", // a readable pair: that pair
				null);

		assertThat(run(real(input, "report", "--revoke-legacy-keys"))).as(err.toString()).isZero();

		assertThat(report("report")).containsExactly("5||QUARANTINED|INVALID_GRANT|", "6||QUARANTINED|INVALID_GRANT|",
				"8|1|QUARANTINED|INVALID_GRANT|");
		assertThat(db.jdbc().queryForList("select status from legacy_api_key order by key_id", String.class))
			.as("bad data never revokes a key").containsExactly("ACTIVE", "ACTIVE", "ACTIVE");
		assertThat(count("personal_access_token")).isZero();
		assertThat(count("token_notification")).as("no 'you are in no account' notice").isZero();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aRepeatedIdRejectsEveryRowCarryingItEvenOnesRejectedForAnotherReason(TestDatabase.Kind kind)
			throws IOException {
		db = TestDatabase.create(kind, tmp);
		Path input = export("repeated", "1,Acme,team,active\n1,Acme Dev,developr,active\n2,Beta,team,active\n",
				"10,7,paul@example.com,ak_paul_0123456789abcdef," + T + ",\n"
						+ "10,8,not-an-email,ak_jessica_0123456789abcd," + T + ",\n"
						+ "11,8,jessica@example.com,ak_jessica_0123456789abce," + T + ",\n",
				"7,2,developer,admin,\n8,1,developer,admin,\n8,2,developer,admin,\n", null);

		assertThat(run(real(input, "report"))).as(err.toString()).isZero();

		assertThat(Csv.project(rejects("report"), "file", "line")).containsExactly("accounts.csv|2", "accounts.csv|3",
				"legacy_api_keys.csv|2", "legacy_api_keys.csv|3");
		assertThat(rejects("report").get(0).get("reason")).isEqualTo("account_id 1 appears on 2 rows; all of them are rejected");
		// user 7's only key was rejected: out of scope; user 8's account 1 is unknown now
		assertThat(report("report")).containsExactly("8|1|QUARANTINED|UNKNOWN_ACCOUNT|", "8|2|CREATED||admin@all");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aKeyFileWithoutItsHeaderStopsTheRunWithoutPrintingItsFirstRow(TestDatabase.Kind kind, CapturedOutput logs)
			throws IOException {
		db = TestDatabase.create(kind, tmp);
		Path input = export("headerless", "1,Acme,team,active\n", "", "7,1,developer,admin,\n", null);
		Files.writeString(input.resolve("legacy_api_keys.csv"),
				"10,7,paul@example.com,ak_headerless_0123456789," + T + ",\n");

		assertThat(run(real(input, "report"))).isEqualTo(2);

		assertThat(err.toString()).startsWith("keyshift: legacy_api_keys.csv line 1: missing columns key_id")
			.contains("unknown columns #1, #2, #3, #4, #5, #6");
		assertThat(err.toString() + out + logs.getAll()).doesNotContain("ak_headerless")
			.doesNotContain("0123456789")
			.doesNotContain("paul@example.com");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aRowTheDatabaseStillRefusesStopsTheRunNamingFileAndLine(TestDatabase.Kind kind) throws IOException {
		db = TestDatabase.create(kind, tmp);
		// a rule the reader does not know: the database refuses one account name
		Flyway.configure()
			.dataSource(db.jdbc().getDataSource())
			.locations("classpath:db/migration",
					"classpath:db/vendor/" + (kind == TestDatabase.Kind.H2 ? "h2" : "postgresql"))
			.load()
			.migrate();
		db.jdbc().execute("alter table stg_account add constraint refused_by_test check (account_name <> 'Refused Ltd')");
		Path input = export("refused", "1,Acme,team,active\n2,Refused Ltd,team,active\n",
				"10,7,paul@example.com,ak_paul_0123456789abcdef," + T + ",\n", "7,1,developer,admin,\n", null);

		assertThat(run(real(input, "report"))).isEqualTo(2);

		assertThat(err.toString()).startsWith("keyshift: run 1 stopped: accounts.csv line 3: the database refused this"
				+ " row (")
			.contains("fix the row in the export and run the command again. Nothing was written.")
			.doesNotContain("Rerun the same command to resume");
		assertThat(count("stg_account")).isZero();
		assertThat(count("personal_access_token")).isZero();
		// the same command again says the same, rather than looping on "resume"
		err.reset();
		assertThat(run(real(input, "report"))).isEqualTo(2);
		assertThat(err.toString()).contains("accounts.csv line 3: the database refused this row");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aKeyRowOfTheRightWidthWithPiecesOfAKeyInOtherColumnsShowsNoPieceOfIt(TestDatabase.Kind kind,
			CapturedOutput logs) throws IOException {
		db = TestDatabase.create(kind, tmp);
		// an unquoted comma in the key plus a missing field: the right width, a piece of the key elsewhere
		Path input = export("pieces", "1,Acme,team,active\n",
				"13,7,u7@example.com,ak_SECRET,KEYSEVENPART2xyz,2024-01-01T00:00:00Z\n"
						+ "14,8,ak_SECRETKEYEIGHT,PART2abcdefghij,2024-01-01T00:00:00Z,\n",
				"7,1,developer,admin,\n8,1,developer,admin,\n", null);

		assertThat(run(real(input, "report"))).as(err.toString()).isZero();

		assertThat(Csv.project(rejects("report"), "line", "reason", "record")).containsExactly(
				"2|api_key is 9 characters long; a legacy key has at least 16|13,7,u7@example.com,[redacted],[redacted],"
						+ "2024-01-01T00:00:00Z",
				"3|email is not an email address|14,8,[redacted],[redacted],2024-01-01T00:00:00Z,");
		String everything = Files.readString(tmp.resolve("report").resolve("rejects.csv")) + out + err + logs.getAll()
				+ db.jdbc().queryForList("select reason || record from input_reject", String.class);
		assertThat(everything).doesNotContain("SECRET").doesNotContain("PART2");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aWrongWidthMembershipRowCountsAgainstTheUserIdAtTheEndOfTheRowNeverTheOneAtItsPosition(
			TestDatabase.Kind kind) throws IOException {
		db = TestDatabase.create(kind, tmp);
		Path input = export("moved", "1,Acme,team,active\n2,Beta,team,active\n",
				"11,5,u5@example.com,ak_SECRETKEYFIVE00000000001," + T + ",\n"
						+ "13,13,u13@example.com,ak_SECRETKEYTHIRTEEN0000001," + T + ",\n",
				"", null);
		// user_id last, and an unquoted comma in project_id: 13 by position from the start, 5 at the end.
		// The last column is read at the end: user 5 is quarantined (never a PAT without git_admin), user
		// 13 is untouched by a row that is not theirs.
		Files.writeString(input.resolve("account_memberships.csv"),
				"account_id,license_type,permission_set,project_id,user_id\n1,developer,admin,,5\n"
						+ "1,developer,git_admin,12,13,5\n2,developer,developer,,13\n");

		assertThat(run("migrate", "--input", input.toString(), "--dry-run", "--report-dir", tmp.resolve("dry").toString()))
			.as(err.toString()).isZero();
		assertThat(report("dry")).containsExactly("5||QUARANTINED|INVALID_GRANT|", "13|2|WOULD_CREATE||developer@all");
		assertThat(Csv.project(rejects("dry"), "file", "line")).containsExactly("account_memberships.csv|3");

		assertThat(run(real(input, "report"))).as(err.toString()).isZero();
		assertThat(report("report")).containsExactly("5||QUARANTINED|INVALID_GRANT|", "13|2|CREATED||developer@all");
		assertThat(db.jdbc().queryForList("select user_id from personal_access_token", Long.class)).containsExactly(13L);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void anEmailThatGrowsWhenLowerCasedIsRejectedAndAKeyEndingInEmojiKeepsWholeCharactersAsItsHint(
			TestDatabase.Kind kind) throws IOException {
		db = TestDatabase.create(kind, tmp);
		String dotted = "\u0130".repeat(200) + "@example.com"; // 212 characters, 412 once lower-cased
		Path input = export("unicode", "1,Acme,team,active\n",
				"10,7," + dotted + ",ak_dotted_0123456789abcd," + T + ",\n"
						+ "11,8,jessica@example.com,ak_emoji_0123456789\uD83D\uDD11abc," + T + ",\n"
						+ "12,9,leto@example.com,ak_emoji_0123456789" + "\uD83D\uDD11".repeat(4) + "," + T + ",\n",
				"7,1,developer,admin,\n8,1,developer,admin,\n9,1,developer,admin,\n", null);

		assertThat(run(real(input, "report"))).as(err.toString()).isZero();

		assertThat(Csv.project(rejects("report"), "line", "reason")).containsExactly(
				"2|email is 412 characters long when lower-cased; the limit is 320");
		assertThat(db.jdbc().queryForList("select hint from legacy_api_key order by key_id", String.class))
			.containsExactly("\uD83D\uDD11abc", "\uD83D\uDD11".repeat(4));
		assertThat(report("report")).containsExactly("8|1|CREATED||admin@all", "9|1|CREATED||admin@all");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aPairWithThousandsOfProjectGrantsIsMigratedWhateverTheLengthOfItsPermissions(TestDatabase.Kind kind)
			throws IOException {
		db = TestDatabase.create(kind, tmp);
		StringBuilder grants = new StringBuilder();
		for (long p = 1; p <= 2500; p++) {
			grants.append("5,1,developer,cost_management_viewer,").append(1_000_000_000_000_000_000L + p).append('\n');
		}
		Path input = export("grants", "1,Acme,team,active\n",
				"11,5,u5@example.com,ak_SECRETKEYFIVE00000000001," + T + ",\n", grants.toString(), null);

		String[] args = real(input, "report");
		assertThat(run(args)).as(err.toString()).isZero();

		// "cost_management_viewer@1000000000000000001" is 42 characters; 2,500 of them joined by ';'
		int length = 2500 * 42 + 2499;
		assertThat(report("report")).singleElement().satisfies(row -> assertThat(row)
			.startsWith("5|1|CREATED||cost_management_viewer@1000000000000000001;cost_management_viewer@1000000000000000002;")
			.hasSize("5|1|CREATED||".length() + length));
		assertThat(db.jdbc().queryForObject("select length(permissions) from migration_decision", Integer.class))
			.isEqualTo(length);
		assertThat(count("personal_access_token_permission")).isEqualTo(2500);
		assertThat(count("token_notification")).isOne();
		assertThat(db.jdbc().queryForObject("select max(length(permissions_after)) from token_event", Integer.class))
			.isEqualTo(length);

		// the next export drops the first grant: the PAT is updated, the long text is now its previous permissions
		Files.writeString(input.resolve("account_memberships.csv"),
				MEMBERSHIPS + grants.substring(grants.indexOf("\n") + 1));
		String[] again = args.clone();
		again[List.of(args).indexOf(tmp.resolve("report").toString())] = tmp.resolve("again").toString();
		assertThat(run(again)).as(err.toString()).isZero();
		Map<String, String> updated = Csv.read(tmp.resolve("again").resolve("report.csv")).get(0);
		assertThat(updated.get("outcome")).isEqualTo("UPDATED");
		assertThat(updated.get("previous_permissions")).hasSize(length);
		assertThat(updated.get("permissions")).hasSize(length - 43);
		assertThat(db.jdbc().queryForObject("select max(length(permissions_before)) from token_event", Integer.class))
			.isEqualTo(length);
	}
}
