package io.keyshift.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.keyshift.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A database the previous release made (schema V1 to V4, with its PATs) migrates forward to the
 * token lifecycle of SPEC §3.2, on both databases: its PATs become ACTIVE with a MINTED event, a
 * pair the previous release gave two PATs (a rotated key) keeps only its first, and from then on
 * the database holds at most one ACTIVE PAT per (user, account).
 */
class TokenSchemaUpgradeIT {

	private static final String T1 = "00000000-0000-7000-8000-000000000001";

	private static final String T2 = "00000000-0000-7000-8000-000000000002";

	private static final String T3 = "00000000-0000-7000-8000-000000000003";

	@TempDir
	Path tmp;

	private TestDatabase db;

	@AfterEach
	void close() {
		if (db != null) {
			db.close();
		}
	}

	private Flyway flyway(String target) {
		String vendor = db.kind() == TestDatabase.Kind.H2 ? "h2" : "postgresql";
		var config = Flyway.configure()
			.dataSource(db.jdbc().getDataSource())
			.locations("classpath:db/migration", "classpath:db/vendor/" + vendor);
		return (target == null ? config : config.target(target)).load();
	}

	/** What the previous release left: user 5's key 100 and its PAT on account 1 (two grants); key 101
	 * (the same user's regenerated key) and the second PAT it minted for account 1; a PAT on account 2. */
	private JdbcTemplate previousRelease(TestDatabase.Kind kind) {
		db = TestDatabase.create(kind, tmp);
		flyway("4").migrate();
		JdbcTemplate jdbc = db.jdbc();
		for (long key : new long[] { 100, 101 }) {
			jdbc.update("""
					insert into legacy_api_key (key_id, user_id, email, fingerprint, hint, status)
					values (?, 5, 'five@example.com', ?, 'abcd', 'MIGRATED')""", key, "f".repeat(63) + (key - 100));
		}
		insertPat(jdbc, T1, 1, 100, "2026-11-01T10:00:00Z", "a");
		insertPat(jdbc, T2, 1, 101, "2026-11-08T10:00:00Z", "b");
		insertPat(jdbc, T3, 2, 100, "2026-11-01T10:00:00Z", "c");
		jdbc.update("insert into personal_access_token_permission values (cast(? as uuid), 'developer', null)", T1);
		jdbc.update("insert into personal_access_token_permission values (cast(? as uuid), 'admin', 15)", T1);
		jdbc.update("insert into personal_access_token_permission values (cast(? as uuid), 'admin', 12)", T1);
		return jdbc;
	}

	private static void insertPat(JdbcTemplate jdbc, String id, long account, long key, String created, String d) {
		jdbc.update("""
				insert into personal_access_token (id, user_id, account_id, legacy_key_id, name, token_digest,
				                                   token_hint, created_at, run_id)
				values (cast(? as uuid), 5, ?, ?, 'Migrated', ?, 'wxyz', cast(? as timestamp with time zone), 1)""",
				id, account, key, d.repeat(64), created);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void existingTokensBecomeActiveWithAMintedEventAndARotatedKeysSecondTokenIsRevoked(TestDatabase.Kind kind) {
		JdbcTemplate jdbc = previousRelease(kind);
		flyway(null).migrate();

		Map<String, String> status = Map.of(T1, "ACTIVE", T2, "REVOKED", T3, "ACTIVE");
		status.forEach((id, expected) -> assertThat(jdbc.queryForObject(
				"select status from personal_access_token where id = cast(? as uuid)", String.class, id))
			.as(id)
			.isEqualTo(expected));
		assertThat(jdbc.queryForObject("select revoke_reason from personal_access_token where id = cast(? as uuid)",
				String.class, T2)).isEqualTo("DUPLICATE_PAIR");
		List<String> events = jdbc.query("""
				select cast(token_id as varchar(36)), event, coalesce(permissions_after, '-') from token_event
				order by token_id, id""", (rs, i) -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3));
		assertThat(events).containsExactly(T1 + " MINTED admin@12;admin@15;developer@all", T2 + " MINTED -",
				T2 + " REVOKED -", T3 + " MINTED -");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void allowsOneActiveTokenPerPairAndAnyNumberOfRevokedOnes(TestDatabase.Kind kind) {
		JdbcTemplate jdbc = previousRelease(kind);
		flyway(null).migrate();
		String t4 = "00000000-0000-7000-8000-000000000004";
		String t5 = "00000000-0000-7000-8000-000000000005";

		// a second ACTIVE PAT for (5, 1), even for another key, is refused
		assertThatThrownBy(() -> insertPat(jdbc, t4, 1, 100, "2026-11-20T10:00:00Z", "d"))
			.isInstanceOf(DataIntegrityViolationException.class);
		// once the pair's PAT is revoked, the pair can have a new one, and revoke that too
		jdbc.update("update personal_access_token set status = 'REVOKED' where id = cast(? as uuid)", T1);
		insertPat(jdbc, t4, 1, 101, "2026-11-20T10:00:00Z", "d");
		jdbc.update("update personal_access_token set status = 'REVOKED' where id = cast(? as uuid)", t4);
		insertPat(jdbc, t5, 1, 101, "2026-11-21T10:00:00Z", "e");
		assertThat(jdbc.queryForObject("""
				select count(*) from personal_access_token where user_id = 5 and account_id = 1 and status = 'ACTIVE'""",
				Long.class)).isEqualTo(1);
		// and a revoked PAT cannot come back while the pair has another ACTIVE one
		assertThatThrownBy(() -> jdbc.update(
				"update personal_access_token set status = 'ACTIVE' where id = cast(? as uuid)", T1))
			.isInstanceOf(DataIntegrityViolationException.class);
	}
}
