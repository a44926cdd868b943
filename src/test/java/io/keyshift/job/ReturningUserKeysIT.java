package io.keyshift.job;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyshift.cli.Cli;
import io.keyshift.support.Csv;
import io.keyshift.support.TestDatabase;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user an earlier run recorded comes back with a second legacy key: the user is quarantined
 * (DUPLICATE_LEGACY_KEY), so every key of theirs ends ACTIVE (SPEC §5), whether the user shares a
 * chunk with others or is alone in it, and the report's key counts are the table's.
 */
class ReturningUserKeysIT {

	@TempDir
	Path tmp;

	/** 23 new users around user 5, so that user 5 is inside a chunk's range of user ids. */
	private static final int[] NEW_USERS = java.util.stream.IntStream.rangeClosed(1, 24).filter(u -> u != 5).toArray();

	private TestDatabase db;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	@AfterEach
	void dropDatabase() {
		if (db != null) {
			db.close();
		}
	}

	/**
	 * Run 1: user 5 with key 100, quarantined (their only account is unknown), so key 100 is
	 * recorded ACTIVE. Run 2, revoking: user 5 with keys 100 and 101 among 23 new eligible users.
	 */
	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aReturningUsersNewKeyAmongOthersStaysActiveAndIsNotCountedRevoked(TestDatabase.Kind kind)
			throws IOException {
		db = TestDatabase.create(kind, tmp);
		Path key = deliveryKey();
		Path first = export("first", List.of(new Key(100, 5)), List.of("5,1999,developer,,developer"));
		assertThat(migrate(first, "r1", key)).as(err.toString()).isZero();
		assertThat(statuses()).containsExactly(Map.entry(100L, "ACTIVE|false|false"));

		List<Key> keys = new ArrayList<>(List.of(new Key(100, 5), new Key(101, 5)));
		List<String> grants = new ArrayList<>();
		for (int user : NEW_USERS) {
			keys.add(new Key(1000 + user, user));
			grants.add(user + ",1001,developer,,developer");
		}
		Path second = export("second", keys, grants);
		Path report = tmp.resolve("r2");
		assertThat(migrate(second, "r2", key, "--revoke-legacy-keys")).as(err.toString()).isZero();

		Map<Long, String> statuses = statuses();
		assertThat(statuses).hasSize(25);
		assertThat(statuses.get(100L)).isEqualTo("ACTIVE|false|false");
		assertThat(statuses.get(101L)).isEqualTo("ACTIVE|false|false");
		for (long user : NEW_USERS) {
			assertThat(statuses.get(1000 + user)).as("key of user %d", user).isEqualTo("REVOKED|true|true");
		}
		assertThat(userFiveRows(report)).containsExactly("5||QUARANTINED|DUPLICATE_LEGACY_KEY");
		JsonNode summary = new ObjectMapper().readTree(report.resolve("summary.json").toFile());
		assertThat(summary.at("/legacy_keys/revoked").asLong()).isEqualTo(23);
		assertThat(summary.at("/legacy_keys/migrated").asLong()).isZero();
		assertThat(db.jdbc().queryForObject("select count(*) from legacy_api_key where status = 'REVOKED'",
				Long.class)).isEqualTo(23);
	}

	/**
	 * Run 1: user 5 with key 100, eligible: key 100 MIGRATED. Run 2, revoking, holds user 5 alone,
	 * with keys 100 and 101: key 101 is recorded ACTIVE; key 100 is not revoked (its user is
	 * quarantined) and keeps MIGRATED (a key never moves back).
	 */
	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aReturningUsersNewKeyAloneInItsPartitionIsRecordedActive(TestDatabase.Kind kind) throws IOException {
		db = TestDatabase.create(kind, tmp);
		Path key = deliveryKey();
		Path first = export("first", List.of(new Key(100, 5)), List.of("5,1001,developer,,developer"));
		assertThat(migrate(first, "r1", key)).as(err.toString()).isZero();
		assertThat(statuses()).containsExactly(Map.entry(100L, "MIGRATED|true|false"));

		Path second = export("second", List.of(new Key(100, 5), new Key(101, 5)),
				List.of("5,1001,developer,,developer"));
		Path report = tmp.resolve("r2");
		assertThat(migrate(second, "r2", key, "--revoke-legacy-keys")).as(err.toString()).isZero();

		assertThat(statuses()).containsExactly(Map.entry(100L, "MIGRATED|true|false"),
				Map.entry(101L, "ACTIVE|false|false"));
		// SPEC §3.2: user 5's PAT on 1001 (run 1) is left alone, and a QUARANTINED row names it
		assertThat(userFiveRows(report)).containsExactly("5||QUARANTINED|DUPLICATE_LEGACY_KEY",
				"5|1001|QUARANTINED|DUPLICATE_LEGACY_KEY");
		JsonNode summary = new ObjectMapper().readTree(report.resolve("summary.json").toFile());
		assertThat(summary.at("/legacy_keys/revoked").asLong()).isZero();
		assertThat(summary.at("/legacy_keys/migrated").asLong()).isZero();
	}

	private record Key(long keyId, long userId) {
	}

	private Path export(String name, List<Key> keys, List<String> memberships) throws IOException {
		Path dir = tmp.resolve(name);
		Files.createDirectories(dir);
		Files.writeString(dir.resolve("accounts.csv"), "account_id,account_name,plan,state\n"
				+ "1001,Northwind,enterprise,active\n");
		StringBuilder k = new StringBuilder("key_id,user_id,email,api_key,created_at,last_used_at\n");
		for (Key key : keys) {
			k.append(key.keyId())
				.append(',')
				.append(key.userId())
				.append(",user")
				.append(key.userId())
				.append("@example.com,ak_")
				.append(String.format("%037d", key.keyId()))
				.append(",2026-01-01T00:00:00Z,\n");
		}
		Files.writeString(dir.resolve("legacy_api_keys.csv"), k);
		Files.writeString(dir.resolve("account_memberships.csv"),
				"user_id,account_id,license_type,project_id,permission_set\n"
						+ String.join("\n", memberships) + "\n");
		return dir;
	}

	private int migrate(Path input, String report, Path key, String... more) {
		List<String> args = new ArrayList<>(List.of("migrate", "--input", input.toString(), "--report-dir",
				tmp.resolve(report).toString(), "--delivery-key-file", key.toString()));
		args.addAll(List.of(more));
		args.addAll(db.springArgs());
		return Cli.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	/** key id → status|migrated_at set|revoked_at set. */
	private Map<Long, String> statuses() {
		Map<Long, String> statuses = new TreeMap<>();
		db.jdbc()
			.query("select key_id, status, migrated_at, revoked_at from legacy_api_key",
					(org.springframework.jdbc.core.RowCallbackHandler) rs -> statuses.put(rs.getLong(1),
							rs.getString(2) + "|" + (rs.getObject(3) != null) + "|" + (rs.getObject(4) != null)));
		return statuses;
	}

	private static List<String> userFiveRows(Path report) {
		return Csv.project(Csv.read(report.resolve("report.csv")), "user_id", "account_id", "outcome", "reason")
			.stream()
			.filter(r -> r.startsWith("5|"))
			.toList();
	}

	private Path deliveryKey() throws IOException {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		Path file = tmp.resolve("delivery.key");
		Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
		return file;
	}
}
