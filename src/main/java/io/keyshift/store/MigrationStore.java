package io.keyshift.store;

import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.keyshift.migration.Decision;
import io.keyshift.migration.Grant;
import io.keyshift.migration.LegacyKeyStatus;
import io.keyshift.migration.Permissions;
import io.keyshift.migration.UserCase;
import io.keyshift.migration.Verdict;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Persists decided users: tokens (digest and hint only), their permissions, legacy key statuses,
 * the decisions the report is made of, and sealed notifications. Called inside the chunk's
 * transaction, so a chunk is written whole or not at all. A dry run writes decisions only.
 */
public class MigrationStore {

	private final JdbcTemplate jdbc;

	public MigrationStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Adds this run's keys to {@code legacy_api_key} (ACTIVE) unless an earlier run knows them. Only
	 * fingerprints and hints are stored. Runs once, before the migrate step of a real run.
	 */
	public int registerLegacyKeys(long runId) {
		return jdbc.update("""
				insert into legacy_api_key (key_id, user_id, email, fingerprint, hint, status, created_at, last_used_at)
				select s.key_id, s.user_id, s.email, s.fingerprint, s.hint, 'ACTIVE', s.created_at, s.last_used_at
				from stg_legacy_key s
				where s.run_id = ? and not exists (select 1 from legacy_api_key k where k.key_id = s.key_id)""",
				runId);
	}

	public void write(long runId, boolean dryRun, OffsetDateTime now, List<MigratedUser> users) {
		if (!dryRun) {
			writeTokens(runId, now, users);
			writeKeyStatuses(now, users);
			writeNotifications(runId, now, users);
		}
		writeDecisions(runId, users);
	}

	private void writeTokens(long runId, OffsetDateTime now, List<MigratedUser> users) {
		List<Object[]> tokens = new ArrayList<>();
		List<Object[]> grants = new ArrayList<>();
		for (MigratedUser user : users) {
			UserCase c = user.verdict().user();
			for (IssuedToken token : user.tokens()) {
				tokens.add(new Object[] { token.id(), c.userId(), token.accountId(), c.legacyKeyId(), token.name(),
						token.digest(), token.hint(), now, runId });
				for (Grant grant : token.permissions()) {
					grants.add(new Object[] { token.id(), grant.permissionSet().code(), grant.projectId() });
				}
			}
		}
		if (!tokens.isEmpty()) {
			jdbc.batchUpdate("""
					insert into personal_access_token (id, user_id, account_id, legacy_key_id, name, token_digest,
					    token_hint, created_at, run_id)
					values (?, ?, ?, ?, ?, ?, ?, ?, ?)""", tokens,
					new int[] { Types.OTHER, Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.VARCHAR, Types.CHAR,
							Types.VARCHAR, Types.TIMESTAMP_WITH_TIMEZONE, Types.BIGINT });
		}
		if (!grants.isEmpty()) {
			jdbc.batchUpdate("""
					insert into personal_access_token_permission (token_id, permission_set, project_id)
					values (?, ?, ?)""", grants, new int[] { Types.OTHER, Types.VARCHAR, Types.BIGINT });
		}
	}

	private void writeKeyStatuses(OffsetDateTime now, List<MigratedUser> users) {
		List<Object[]> changes = new ArrayList<>();
		for (MigratedUser user : users) {
			Verdict verdict = user.verdict();
			LegacyKeyStatus before = before(verdict.user());
			if (verdict.keyStatus() != before) {
				String status = verdict.keyStatus().name();
				changes.add(new Object[] { status, now, status, now, verdict.user().legacyKeyId() });
			}
		}
		if (!changes.isEmpty()) {
			jdbc.batchUpdate("""
					update legacy_api_key
					set status = ?,
					    migrated_at = coalesce(migrated_at, ?),
					    revoked_at = case when ? = 'REVOKED' then coalesce(revoked_at, ?) else revoked_at end
					where key_id = ?""", changes,
					new int[] { Types.VARCHAR, Types.TIMESTAMP_WITH_TIMEZONE, Types.VARCHAR,
							Types.TIMESTAMP_WITH_TIMEZONE, Types.BIGINT });
		}
	}

	private void writeNotifications(long runId, OffsetDateTime now, List<MigratedUser> users) {
		List<Object[]> rows = new ArrayList<>();
		for (MigratedUser user : users) {
			PendingNotification n = user.notification();
			if (n != null) {
				rows.add(new Object[] { n.id(), n.userId(), n.email(), n.kind().name(), "PENDING", n.sealedPayload(),
						now, runId });
			}
		}
		if (!rows.isEmpty()) {
			jdbc.batchUpdate("""
					insert into token_notification (id, user_id, email, kind, status, payload, created_at, run_id)
					values (?, ?, ?, ?, ?, ?, ?, ?)""", rows,
					new int[] { Types.OTHER, Types.BIGINT, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
							Types.TIMESTAMP_WITH_TIMEZONE, Types.BIGINT });
		}
	}

	private void writeDecisions(long runId, List<MigratedUser> users) {
		List<Object[]> rows = new ArrayList<>();
		for (MigratedUser user : users) {
			Verdict verdict = user.verdict();
			UserCase c = verdict.user();
			Map<Integer, IssuedToken> tokens = new HashMap<>();
			user.tokens().forEach(t -> tokens.put(t.decisionIndex(), t));
			String notes = user.notes().isEmpty() ? null : String.join(";", user.notes());
			boolean keyChanged = verdict.keyStatus() != before(c);
			String notification = verdict.notification() == null ? null : verdict.notification().name();
			List<Decision> decisions = verdict.decisions();
			for (int i = 0; i < decisions.size(); i++) {
				Decision d = decisions.get(i);
				IssuedToken token = tokens.get(i);
				Object tokenId = token != null ? token.id()
						: d.existingToken() != null ? java.util.UUID.fromString(d.existingToken().tokenId()) : null;
				String hint = token != null ? token.hint()
						: d.existingToken() != null ? d.existingToken().hint() : null;
				String permissions = d.existingToken() != null ? d.existingToken().permissions()
						: d.permissions().isEmpty() ? null : Permissions.format(d.permissions());
				rows.add(new Object[] { runId, c.userId(), i, c.email(), d.accountId(),
						d.account() == null ? null : d.account().name(),
						d.account() == null ? null : d.account().plan().code(), d.outcome().name(),
						d.reason() == null ? null : d.reason().name(), tokenId, hint, permissions, notes,
						verdict.keyStatus().name(), keyChanged, notification });
			}
		}
		jdbc.batchUpdate("""
				insert into migration_decision (run_id, user_id, seq, email, account_id, account_name, plan, outcome,
				    reason, token_id, token_hint, permissions, notes, key_status, key_changed, notification)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows,
				new int[] { Types.BIGINT, Types.BIGINT, Types.INTEGER, Types.VARCHAR, Types.BIGINT, Types.VARCHAR,
						Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.OTHER, Types.VARCHAR, Types.VARCHAR,
						Types.VARCHAR, Types.VARCHAR, Types.BOOLEAN, Types.VARCHAR });
	}

	private static LegacyKeyStatus before(UserCase c) {
		return c.keyStatus() == null ? LegacyKeyStatus.ACTIVE : c.keyStatus();
	}
}
