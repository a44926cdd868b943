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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyshift.cli.Cli;
import io.keyshift.notify.NotificationPayload;
import io.keyshift.store.NotificationStore;
import io.keyshift.support.Csv;
import io.keyshift.support.TestDatabase;
import io.keyshift.token.DeliveryCipher;
import io.keyshift.token.DeliveryKey;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SPEC §3.2 through the command line, on both databases: a first real run on {@code sample-data},
 * then the drifted export {@code sample-data/later} (grants shrunk and grown, a pair removed, all
 * memberships removed, a license lost, an account locked, a plan changed to developer, a key
 * rotated, a key reassigned, a user gone, a new user, a quarantined pair with a token). The report
 * is compared with {@code later-expected/report.csv}, derived by hand from the SPEC; every PAT's
 * status and permissions, the events and the notifications are checked, and the same command again
 * changes nothing. A truncated memberships file is refused by the safety valve.
 */
class ReconcileIT {

	private static final Path SAMPLE = Path.of("sample-data");

	private static final Path LATER = SAMPLE.resolve("later");

	private static final Path EXPECTED = Path.of("src/test/resources/later-expected/report.csv");

	private static final String[] COLUMNS = { "user_id", "email", "account_id", "account_name", "outcome", "reason",
			"permissions", "previous_permissions" };

	@TempDir
	Path tmp;

	private TestDatabase db;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private Path key;

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

	private int migrate(Path input, Path report, String... more) {
		List<String> args = new ArrayList<>(List.of("migrate", "--input", input.toString(), "--report-dir",
				report.toString(), "--delivery-key-file", key.toString()));
		args.addAll(List.of(more));
		return run(args.toArray(String[]::new));
	}

	private void firstRun(TestDatabase.Kind kind) throws IOException {
		db = TestDatabase.create(kind, tmp);
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		key = tmp.resolve("delivery.key");
		Files.writeString(key, Base64.getEncoder().encodeToString(bytes) + "\n");
		// readable only by its owner, as the README asks: no warning on stderr
		Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
		// sample-data's line 87 names no readable user (SPEC §2): accepted, as MigrationJobIT does
		assertThat(migrate(SAMPLE, tmp.resolve("first"), "--accept-unattributed-rows")).as(err.toString()).isZero();
	}

	/** (user, account) → the id of the PAT the first run minted for it. */
	private Map<String, String> tokensByPair() {
		Map<String, String> ids = new HashMap<>();
		db.jdbc().query("select user_id, account_id, id from personal_access_token", rs -> {
			ids.put(rs.getLong(1) + "/" + rs.getLong(2), rs.getString(3));
		});
		return ids;
	}

	private String permissions(String tokenId) {
		return String.join(";", db.jdbc().queryForList("""
				select permission_set || '@' || coalesce(cast(project_id as varchar(20)), 'all')
				from personal_access_token_permission where token_id = ?
				order by permission_set, project_id nulls first""", String.class, UUID.fromString(tokenId)));
	}

	private Map<String, Object> token(String tokenId) {
		return db.jdbc().queryForMap("select status, revoke_reason, revoked_at from personal_access_token where id = ?",
				UUID.fromString(tokenId));
	}

	private List<String> events() {
		return db.jdbc().query("""
				select cast(token_id as varchar(36)), event, coalesce(reason, '-'), coalesce(permissions_before, '-'),
				       coalesce(permissions_after, '-'), run_id, actor
				from token_event order by id""", (rs, i) -> {
			assertThat(rs.getString(7)).contains("host ", "pid " + ProcessHandle.current().pid(), "user ");
			return rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3) + " " + rs.getString(4) + " "
					+ rs.getString(5);
		});
	}

	private long count(String sql) {
		return db.jdbc().queryForObject(sql, Long.class);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aLaterExportKeepsEveryTokenTrueToItsOwner(TestDatabase.Kind kind) throws IOException {
		firstRun(kind);
		Map<String, String> first = tokensByPair();
		assertThat(first).hasSize(21);
		assertThat(count("select count(*) from token_event where event = 'MINTED'")).isEqualTo(21);

		// a dry run of the later export says what would happen and changes nothing
		List<String> before = events();
		assertThat(run("migrate", "--input", LATER.toString(), "--dry-run", "--report-dir",
				tmp.resolve("later-dry").toString()))
			.as(err.toString())
			.isZero();
		assertThat(Csv.project(Csv.read(tmp.resolve("later-dry/report.csv")), COLUMNS))
			.containsExactlyElementsOf(expected(true));
		assertThat(events()).isEqualTo(before);
		assertThat(count("select count(*) from personal_access_token where status = 'ACTIVE'")).isEqualTo(21);

		Path report = tmp.resolve("later");
		assertThat(migrate(LATER, report)).as(err.toString()).isZero();
		List<Map<String, String>> rows = Csv.read(report.resolve("report.csv"));
		assertThat(Csv.project(rows, COLUMNS)).containsExactlyElementsOf(expected(false));

		// every row that names a token names the first run's token of its pair, in the state the row says
		for (Map<String, String> row : rows) {
			String pair = row.get("user_id") + "/" + row.get("account_id");
			String outcome = row.get("outcome");
			if (outcome.equals("CREATED") || row.get("token_id").isEmpty()) {
				continue;
			}
			assertThat(row.get("token_id")).as(pair).isEqualTo(first.get(pair));
			Map<String, Object> t = token(row.get("token_id"));
			switch (outcome) {
				case "ALREADY_MIGRATED", "UPDATED" -> {
					assertThat(t.get("status")).as(pair).isEqualTo("ACTIVE");
					assertThat(permissions(row.get("token_id"))).as(pair).isEqualTo(row.get("permissions"));
				}
				case "REVOKED" -> {
					assertThat(t.get("status")).as(pair).isEqualTo("REVOKED");
					assertThat(t.get("revoke_reason")).as(pair).isEqualTo(row.get("reason"));
					assertThat(t.get("revoked_at")).as(pair).isNotNull();
					assertThat(permissions(row.get("token_id"))).as("a revoked token keeps its last permissions")
						.isEqualTo(row.get("previous_permissions"));
				}
				case "QUARANTINED" -> {
					assertThat(pair).isEqualTo("2031/1014");
					assertThat(t.get("status")).isEqualTo("ACTIVE");
					assertThat(permissions(row.get("token_id"))).isEqualTo("admin@all");
				}
				default -> throw new AssertionError(pair + " " + outcome);
			}
		}
		// 9 ALREADY_MIGRATED, 2 UPDATED, 8 REVOKED, 1 QUARANTINED with its token, 1 CREATED
		assertThat(rows).filteredOn(r -> !r.get("token_id").isEmpty()).hasSize(21);
		// user 2014 is not in the later export: their token is left as it was
		assertThat(token(first.get("2014/1001")).get("status")).isEqualTo("ACTIVE");
		assertThat(permissions(first.get("2014/1001"))).isEqualTo("account_admin@all");
		// 21 minted first, 8 revoked, 1 new (user 2042); user 2003's rotated key got no second token
		assertThat(count("select count(*) from personal_access_token")).isEqualTo(22);
		assertThat(count("select count(*) from personal_access_token where status = 'ACTIVE'")).isEqualTo(14);
		assertThat(count("select count(*) from personal_access_token where user_id = 2003")).isOne();
		JdbcTemplate jdbc = db.jdbc();
		assertThat(jdbc.queryForList("select key_id || ' ' || user_id || ' ' || status from legacy_api_key"
				+ " where key_id in (5003, 5103, 5009, 5108) order by key_id", String.class))
			.containsExactly("5003 2003 MIGRATED", "5009 2008 ACTIVE", "5103 2003 MIGRATED", "5108 2008 ACTIVE");

		// the events: one MINTED per token, and one per change, with what changed
		List<String> events = events();
		assertThat(events).filteredOn(e -> e.contains(" MINTED ")).hasSize(22);
		assertThat(events).filteredOn(e -> !e.contains(" MINTED ")).containsExactlyInAnyOrder(
				first.get("2001/1001") + " PERMISSIONS_CHANGED - admin@12;admin@15;developer@all readonly@all",
				first.get("2032/1008") + " PERMISSIONS_CHANGED - developer@all developer@all;job_admin@55",
				first.get("2002/1003") + " REVOKED PLAN_NOT_ELIGIBLE admin@99;admin@101;analyst@all -",
				first.get("2002/1008") + " REVOKED MEMBERSHIP_REMOVED readonly@all -",
				first.get("2025/1015") + " REVOKED ACCOUNT_INACTIVE developer@all;job_admin@7 -",
				first.get("2029/1015") + " REVOKED ACCOUNT_INACTIVE"
						+ " job_runner@10;job_viewer@9;job_viewer@10;job_viewer@100;webhooks_only@all -",
				first.get("2030/1003") + " REVOKED PLAN_NOT_ELIGIBLE owner@all -",
				first.get("2037/1015") + " REVOKED ACCOUNT_INACTIVE cost_management_viewer@all -",
				first.get("2038/1014") + " REVOKED NO_DEVELOPER_LICENSE developer@all;project_creator@40 -",
				first.get("2039/1001") + " REVOKED MEMBERSHIP_REMOVED database_admin@all;developer@all -");

		// the notifications of the later run: the changes to the nine users whose tokens changed, new tokens to 2042
		long laterRun = count("select max(run_id) from token_notification");
		assertThat(jdbc.queryForList("select user_id || ' ' || kind from token_notification where run_id = ?"
				+ " order by user_id", String.class, laterRun))
			.containsExactly("2001 TOKENS_CHANGED", "2002 TOKENS_CHANGED", "2025 TOKENS_CHANGED", "2029 TOKENS_CHANGED",
					"2030 TOKENS_CHANGED", "2032 TOKENS_CHANGED", "2037 TOKENS_CHANGED", "2038 TOKENS_CHANGED",
					"2039 TOKENS_CHANGED", "2042 TOKENS_ISSUED");
		NotificationPayload to2002 = open(laterRun, 2002);
		assertThat(to2002.tokens()).isEmpty();
		assertThat(to2002.changes()).extracting(c -> c.accountId() + " " + c.change() + " " + c.reason() + " "
				+ c.before() + " " + c.after())
			.containsExactly("1003 REVOKED PLAN_NOT_ELIGIBLE admin@99;admin@101;analyst@all null",
					"1008 REVOKED MEMBERSHIP_REMOVED readonly@all null");
		assertThat(open(laterRun, 2001).changes()).extracting(c -> c.change() + " " + c.before() + " " + c.after())
			.containsExactly("UPDATED admin@12;admin@15;developer@all readonly@all");

		// the summary
		JsonNode summary = new ObjectMapper().readTree(report.resolve("summary.json").toFile()).get("earlier_tokens");
		assertThat(summary.toString()).isEqualTo("{\"active_in_scope\":20,\"updated\":2,\"revoked\":"
				+ "{\"ACCOUNT_INACTIVE\":3,\"MEMBERSHIP_REMOVED\":2,\"NO_DEVELOPER_LICENSE\":1,\"PLAN_NOT_ELIGIBLE\":2},"
				+ "\"untouched_out_of_scope\":1,\"revocation_valve\":{\"revocations\":8,\"limit\":10,"
				+ "\"over_limit\":false}}");

		// delivering the new tokens writes their DELIVERED events; a change notice delivers no token value
		NotificationStore notifications = new NotificationStore(jdbc);
		for (String kindAndUser : List.of("TOKENS_ISSUED 2042", "TOKENS_CHANGED 2001")) {
			UUID id = jdbc.queryForObject("select id from token_notification where run_id = ? and user_id = ?",
					UUID.class, laterRun, Long.parseLong(kindAndUser.split(" ")[1]));
			assertThat(notifications.markDelivered(id, OffsetDateTime.now())).isTrue();
		}
		String minted2042 = jdbc.queryForObject("select cast(id as varchar(36)) from personal_access_token"
				+ " where user_id = 2042", String.class);
		assertThat(events()).filteredOn(e -> e.contains(" DELIVERED ")).containsExactly(minted2042 + " DELIVERED - - -");

		// the same command again changes nothing
		long eventCount = count("select count(*) from token_event");
		assertThat(migrate(LATER, report)).isZero();
		assertThat(out.toString()).contains("already completed");
		assertThat(count("select count(*) from token_event")).isEqualTo(eventCount);
		assertThat(count("select count(*) from personal_access_token where status = 'ACTIVE'")).isEqualTo(14);
	}

	private NotificationPayload open(long runId, long userId) throws IOException {
		DeliveryCipher cipher = new DeliveryCipher(DeliveryKey.load(key), new SecureRandom());
		Map<String, Object> row = db.jdbc().queryForMap(
				"select id, payload from token_notification where run_id = ? and user_id = ?", runId, userId);
		UUID id = UUID.fromString(row.get("id").toString());
		return NotificationPayload.fromJson(cipher.decrypt(Base64.getDecoder().decode((String) row.get("payload")),
				MigrateProcessor.associatedData(id, userId)));
	}

	private static List<String> expected(boolean dryRun) {
		List<String> rows = Csv.project(Csv.read(EXPECTED), COLUMNS);
		return dryRun ? rows.stream()
			.map(r -> r.replace("|CREATED|", "|WOULD_CREATE|")
				.replace("|UPDATED|", "|WOULD_UPDATE|")
				.replace("|REVOKED|", "|WOULD_REVOKE|"))
			.toList() : rows;
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aTruncatedMembershipsFileIsRefusedByTheSafetyValveWithNothingChanged(TestDatabase.Kind kind)
			throws IOException {
		firstRun(kind);
		// the export cut off after 20 membership rows (users 2001 to 2008, not 2008's account 1002): only the
		// tokens of 2001 (2), 2002 (3) and 2003 (1) keep their pairs; the other 15 of the 21 are gone
		Path truncated = tmp.resolve("truncated");
		Files.createDirectories(truncated);
		for (String file : List.of("accounts.csv", "legacy_api_keys.csv", "api_key_usage.csv")) {
			Files.copy(SAMPLE.resolve(file), truncated.resolve(file));
		}
		Files.write(truncated.resolve("account_memberships.csv"),
				Files.readAllLines(SAMPLE.resolve("account_memberships.csv")).subList(0, 21));
		List<String> eventsBefore = events();
		long decisions = count("select count(*) from migration_decision");
		String keysSql = "select key_id || ' ' || status from legacy_api_key order by key_id";
		List<String> keysBefore = db.jdbc().queryForList(keysSql, String.class);

		assertThat(migrate(truncated, tmp.resolve("truncated-report"))).isEqualTo(2);
		assertThat(err.toString().strip()).startsWith("keyshift: this run would revoke 15 personal access tokens,"
				+ " more than the limit of 10").contains("--max-revocations").contains("Nothing was changed");
		assertThat(err.toString().strip().lines()).hasSize(1);
		assertThat(events()).isEqualTo(eventsBefore);
		assertThat(count("select count(*) from personal_access_token where status = 'ACTIVE'")).isEqualTo(21);
		assertThat(count("select count(*) from migration_decision")).isEqualTo(decisions);
		assertThat(db.jdbc().queryForList(keysSql, String.class)).isEqualTo(keysBefore);

		// the same command again: still refused
		assertThat(migrate(truncated, tmp.resolve("truncated-report"))).isEqualTo(2);

		// a dry run writes its whole report and ends saying a real run would stop
		Path dry = tmp.resolve("truncated-dry");
		assertThat(run("migrate", "--input", truncated.toString(), "--dry-run", "--report-dir", dry.toString()))
			.isZero();
		List<String> lines = out.toString().strip().lines().toList();
		assertThat(lines.get(lines.size() - 1)).contains("a real run would stop", "revoke 15", "limit of 10",
				"--max-revocations");
		assertThat(Csv.read(dry.resolve("report.csv"))).filteredOn(r -> r.get("outcome").equals("WOULD_REVOKE"))
			.hasSize(15);
		assertThat(events()).isEqualTo(eventsBefore);

		// the operator agrees: a larger limit lets the same run go on
		assertThat(migrate(truncated, tmp.resolve("truncated-report"), "--max-revocations", "15"))
			.as(err.toString()).isZero();
		assertThat(count("select count(*) from personal_access_token where status = 'ACTIVE'")).isEqualTo(6);
		assertThat(count("select count(*) from token_event where event = 'REVOKED'")).isEqualTo(15);
	}
}
