package io.keyshift.store;

import java.sql.Array;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.keyshift.migration.Decision;
import io.keyshift.migration.Grant;
import io.keyshift.migration.LegacyKeyStatus;
import io.keyshift.migration.Outcome;
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

	private static final int UNBOUNDED = Integer.MAX_VALUE;

	private final JdbcTemplate jdbc;

	private volatile Dialect dialect;

	private final String actor = Actor.thisProcess();

	public MigrationStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	private Dialect dialect() {
		if (dialect == null) {
			dialect = Dialect.of(jdbc);
		}
		return dialect;
	}

	public void write(long runId, boolean dryRun, OffsetDateTime now, List<MigratedUser> users) {
		if (!dryRun) {
			// keys first: tokens refer to them
			registerKeys(runId, now, users);
			writeKeyStatuses(now, users);
			writeTokens(runId, now, users);
			changeTokens(runId, now, users);
			writeNotifications(runId, now, users);
		}
		writeDecisions(runId, users);
	}

	private void writeTokens(long runId, OffsetDateTime now, List<MigratedUser> users) {
		TableWriter tokens = dialect().writer(jdbc, "personal_access_token",
				new String[] { "id", "user_id", "account_id", "legacy_key_id", "name", "token_digest", "token_hint",
						"created_at", "run_id", "updated_at" },
				new int[] { Types.OTHER, Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.VARCHAR, Types.CHAR,
						Types.VARCHAR, Types.TIMESTAMP_WITH_TIMEZONE, Types.BIGINT, Types.TIMESTAMP_WITH_TIMEZONE },
				UNBOUNDED);
		TableWriter grants = dialect().writer(jdbc, "personal_access_token_permission",
				new String[] { "token_id", "permission_set", "project_id" },
				new int[] { Types.OTHER, Types.VARCHAR, Types.BIGINT }, UNBOUNDED);
		TableWriter events = events();
		for (MigratedUser user : users) {
			UserCase c = user.verdict().user();
			for (IssuedToken token : user.tokens()) {
				tokens.add(token.id(), c.userId(), token.accountId(), c.legacyKeyId(), token.name(), token.digest(),
						token.hint(), now, runId, now);
				for (Grant grant : token.permissions()) {
					grants.add(token.id(), grant.permissionSet().code(), grant.projectId());
				}
				events.add(token.id(), runId, "MINTED", null, null, token.permissionsText(), now, actor);
			}
		}
		// tokens first: their permissions and events refer to them
		tokens.flush();
		grants.flush();
		events.flush();
	}

	private TableWriter events() {
		return dialect().writer(jdbc, "token_event",
				new String[] { "token_id", "run_id", "event", "reason", "permissions_before", "permissions_after",
						"occurred_at", "actor" },
				new int[] { Types.OTHER, Types.BIGINT, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
						Types.TIMESTAMP_WITH_TIMEZONE, Types.VARCHAR },
				UNBOUNDED);
	}

	/**
	 * Replaces the permissions of the UPDATED PATs and revokes the REVOKED ones (SPEC §3.2), each with
	 * its event, in the chunk's transaction: a chunk that does not commit changed nothing, and a
	 * resumed run decides its users again. Only ACTIVE tokens change: a statement that finds its token
	 * revoked meanwhile fails the chunk instead of writing an event for nothing. Few tokens change in
	 * a run, so these are plain JDBC batches.
	 */
	private void changeTokens(long runId, OffsetDateTime now, List<MigratedUser> users) {
		List<Object[]> updated = new ArrayList<>();
		List<Object[]> grants = new ArrayList<>();
		List<Object[]> revoked = new ArrayList<>();
		TableWriter events = events();
		for (MigratedUser user : users) {
			for (Decision d : user.verdict().decisions()) {
				if (d.outcome() == Outcome.UPDATED) {
					UUID id = UUID.fromString(d.existingToken().tokenId());
					updated.add(new Object[] { now, id });
					for (Grant grant : d.permissions()) {
						grants.add(new Object[] { id, grant.permissionSet().code(), grant.projectId() });
					}
					events.add(id, runId, "PERMISSIONS_CHANGED", null, d.previousPermissions(),
							Permissions.format(d.permissions()), now, actor);
				}
				else if (d.outcome() == Outcome.REVOKED) {
					UUID id = UUID.fromString(d.existingToken().tokenId());
					revoked.add(new Object[] { now, d.reason().name(), now, id });
					events.add(id, runId, "REVOKED", d.reason().name(), d.previousPermissions(), null, now, actor);
				}
			}
		}
		if (updated.isEmpty() && revoked.isEmpty()) {
			return;
		}
		expectOneRowEach(jdbc.batchUpdate("""
				update personal_access_token set updated_at = ? where id = ? and status = 'ACTIVE'""", updated),
				"update");
		jdbc.batchUpdate("delete from personal_access_token_permission where token_id = ?",
				updated.stream().map(u -> new Object[] { u[1] }).toList());
		jdbc.batchUpdate("""
				insert into personal_access_token_permission (token_id, permission_set, project_id)
				values (?, ?, ?)""", grants);
		expectOneRowEach(jdbc.batchUpdate("""
				update personal_access_token set status = 'REVOKED', revoked_at = ?, revoke_reason = ?, updated_at = ?
				where id = ? and status = 'ACTIVE'""", revoked), "revoke");
		events.flush();
	}

	private static void expectOneRowEach(int[] counts, String what) {
		for (int count : counts) {
			// -2: the driver ran the batch but does not say per row (counted as done)
			if (count != 1 && count != java.sql.Statement.SUCCESS_NO_INFO) {
				throw new IllegalStateException("cannot " + what + " a token that is no longer ACTIVE");
			}
		}
	}

	/**
	 * Adds the keys of these users that no earlier run recorded to {@code legacy_api_key}
	 * (fingerprint and hint only), each already with the status this run gives it: one row version
	 * per key instead of an insert and then an update. A key an earlier run (or a replayed chunk)
	 * recorded is left alone here. Every new key takes its user's {@link Verdict#newKeyStatus()}: a
	 * user with several keys is quarantined (DUPLICATE_LEGACY_KEY), so all of them are ACTIVE, also
	 * a returning user's new key beside the one an earlier run recorded.
	 * The keys are found by the chunk's user-id range (an index range on both databases; H2 cannot
	 * use an index for {@code = any (array)} on the second column of one): a chunk holds every
	 * undecided user of its range, and keys of users decided before are there already. Every user of
	 * the chunk counts for the range and its status, recorded before or not: a returning user may
	 * bring a new key.
	 * The status most users of the chunk get is the default; only the other users are listed
	 * (each {@code = any (array)} is a scan of the array per row).
	 */
	private void registerKeys(long runId, OffsetDateTime now, List<MigratedUser> users) {
		long first = Long.MAX_VALUE;
		long last = Long.MIN_VALUE;
		Map<LegacyKeyStatus, List<Long>> byStatus = new java.util.EnumMap<>(LegacyKeyStatus.class);
		for (LegacyKeyStatus status : LegacyKeyStatus.values()) {
			byStatus.put(status, new ArrayList<>());
		}
		for (MigratedUser user : users) {
			UserCase c = user.verdict().user();
			LegacyKeyStatus status = user.verdict().newKeyStatus();
			if (c.validKeyCount() > 1 && status != LegacyKeyStatus.ACTIVE) {
				throw new IllegalStateException("user " + c.userId() + " has " + c.validKeyCount()
						+ " legacy keys but was not quarantined");
			}
			first = Math.min(first, c.userId());
			last = Math.max(last, c.userId());
			byStatus.get(status).add(c.userId());
		}
		if (first > last) {
			return;
		}
		LegacyKeyStatus usual = byStatus.keySet()
			.stream()
			.max(java.util.Comparator.comparingInt(status -> byStatus.get(status).size()))
			.orElseThrow();
		List<LegacyKeyStatus> listed = byStatus.keySet().stream().filter(status -> status != usual).toList();
		String insert = """
				insert into legacy_api_key (key_id, user_id, email, fingerprint, hint, status, created_at, last_used_at,
				                            migrated_at, revoked_at)
				select key_id, user_id, email, fingerprint, hint, status, created_at, last_used_at,
				       case when status <> 'ACTIVE' then ? end, case when status = 'REVOKED' then ? end
				from (
				    select s.key_id, s.user_id, s.email, s.fingerprint, s.hint, s.created_at, s.last_used_at,
				           case when s.user_id = any (?) then cast(? as varchar(16))
				                when s.user_id = any (?) then cast(? as varchar(16))
				                else cast(? as varchar(16)) end status
				    from stg_legacy_key s
				    where s.run_id = ? and s.user_id between ? and ?) k""";
		// PostgreSQL: ON CONFLICT; H2 has no such clause, so an anti-join
		String sql = dialect() == Dialect.POSTGRESQL ? insert + " on conflict (key_id) do nothing"
				: insert + " where not exists (select 1 from legacy_api_key l where l.key_id = k.key_id)";
		long rangeFirst = first;
		long rangeLast = last;
		jdbc.update(sql, ps -> {
			ps.setObject(1, now);
			ps.setObject(2, now);
			int i = 3;
			for (LegacyKeyStatus status : listed) {
				ps.setArray(i++, ps.getConnection().createArrayOf("bigint", byStatus.get(status).toArray()));
				ps.setString(i++, status.name());
			}
			ps.setString(i++, usual.name());
			ps.setLong(i++, runId);
			ps.setLong(i++, rangeFirst);
			ps.setLong(i, rangeLast);
		});
	}

	/**
	 * Moves keys an earlier run recorded to their new status: one UPDATE per target status for the
	 * whole chunk, not one per key.
	 */
	private void writeKeyStatuses(OffsetDateTime now, List<MigratedUser> users) {
		Map<LegacyKeyStatus, List<Long>> changes = new java.util.EnumMap<>(LegacyKeyStatus.class);
		for (MigratedUser user : users) {
			Verdict verdict = user.verdict();
			if (verdict.user().keyStatus() != null && verdict.keyStatus() != verdict.user().keyStatus()) {
				changes.computeIfAbsent(verdict.keyStatus(), s -> new ArrayList<>()).add(verdict.user().legacyKeyId());
			}
		}
		changes.forEach((status, keys) -> jdbc.update("""
				update legacy_api_key
				set status = ?,
				    migrated_at = coalesce(migrated_at, ?),
				    revoked_at = case when ? = 'REVOKED' then coalesce(revoked_at, ?) else revoked_at end
				where key_id = any (?)""", ps -> {
			ps.setString(1, status.name());
			ps.setObject(2, now);
			ps.setString(3, status.name());
			ps.setObject(4, now);
			ps.setArray(5, ps.getConnection().createArrayOf("bigint", keys.toArray()));
		}));
	}

	private void writeNotifications(long runId, OffsetDateTime now, List<MigratedUser> users) {
		TableWriter rows = dialect().writer(jdbc, "token_notification",
				new String[] { "id", "user_id", "email", "kind", "status", "payload", "created_at", "run_id",
						"delivery_key_id" },
				new int[] { Types.OTHER, Types.BIGINT, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
						Types.TIMESTAMP_WITH_TIMEZONE, Types.BIGINT, Types.VARCHAR },
				UNBOUNDED);
		for (MigratedUser user : users) {
			PendingNotification n = user.notification();
			if (n != null) {
				rows.add(n.id(), n.userId(), n.email(), n.kind().name(), "PENDING", n.sealedPayload(), now, runId,
						n.deliveryKeyId());
			}
		}
		rows.flush();
	}

	private void writeDecisions(long runId, List<MigratedUser> users) {
		TableWriter rows = dialect().writer(jdbc, "migration_decision",
				new String[] { "run_id", "user_id", "seq", "email", "account_id", "account_name", "plan", "outcome",
						"reason", "token_id", "token_hint", "permissions", "notes", "key_status", "key_changed",
						"notification", "previous_permissions" },
				new int[] { Types.BIGINT, Types.BIGINT, Types.INTEGER, Types.VARCHAR, Types.BIGINT, Types.VARCHAR,
						Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.OTHER, Types.VARCHAR, Types.VARCHAR,
						Types.VARCHAR, Types.VARCHAR, Types.BOOLEAN, Types.VARCHAR, Types.VARCHAR },
				UNBOUNDED);
		for (MigratedUser user : users) {
			Verdict verdict = user.verdict();
			UserCase c = verdict.user();
			List<Decision> decisions = verdict.decisions();
			IssuedToken[] tokens = new IssuedToken[decisions.size()];
			user.tokens().forEach(t -> tokens[t.decisionIndex()] = t);
			String notes = user.notes().isEmpty() ? null : String.join(";", user.notes());
			boolean keyChanged = verdict.keyStatus() != before(c);
			String notification = verdict.notification() == null ? null : verdict.notification().name();
			for (int i = 0; i < decisions.size(); i++) {
				Decision d = decisions.get(i);
				IssuedToken token = tokens[i];
				Object tokenId = token != null ? token.id()
						: d.existingToken() != null ? java.util.UUID.fromString(d.existingToken().tokenId()) : null;
				String hint = token != null ? token.hint()
						: d.existingToken() != null ? d.existingToken().hint() : null;
				// SPEC §3.2: ALREADY_MIGRATED and UPDATED rows carry the PAT's (new) permissions; REVOKED and
				// QUARANTINED rows none (a REVOKED row's old ones are its previous_permissions)
				String permissions = token != null ? token.permissionsText()
						: d.outcome() == Outcome.ALREADY_MIGRATED ? d.existingToken().permissions()
						: d.permissions().isEmpty() ? null : Permissions.format(d.permissions());
				rows.add(runId, c.userId(), i, c.email(), d.accountId(), d.account() == null ? null : d.account().name(),
						d.account() == null ? null : d.account().plan().code(), d.outcome().name(),
						d.reason() == null ? null : d.reason().name(), tokenId, hint, permissions, notes,
						verdict.keyStatus().name(), keyChanged, notification, d.previousPermissions());
			}
		}
		rows.flush();
	}

	private static LegacyKeyStatus before(UserCase c) {
		return c.keyStatus() == null ? LegacyKeyStatus.ACTIVE : c.keyStatus();
	}
}
