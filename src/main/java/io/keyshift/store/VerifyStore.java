package io.keyshift.store;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.keyshift.migration.Account;
import io.keyshift.migration.ExistingToken;
import io.keyshift.migration.Grant;
import io.keyshift.migration.LegacyKeyStatus;
import io.keyshift.migration.PermissionSet;
import io.keyshift.migration.Permissions;
import io.keyshift.verify.ExportCases;
import io.keyshift.verify.TokenAudit;
import io.keyshift.verify.Violation;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The queries of {@code keyshift verify}: selects only. The invariants that are one query each
 * are checked here; each token's permissions and history are streamed, token by token, to
 * {@link TokenAudit}, so memory stays flat however many tokens there are.
 */
public class VerifyStore {

	/** Real runs: the job instances whose dry.run parameter is false. */
	private static final String REAL_RUNS = """
			select distinct e.job_instance_id from batch_job_execution e
			join batch_job_execution_params p on p.job_execution_id = e.job_execution_id
			where p.parameter_name = 'dry.run' and p.parameter_value = 'false'""";

	private final JdbcTemplate jdbc;

	public VerifyStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** Pairs with more than one ACTIVE token (the database's constraint forbids it; was it dropped?). */
	public void activePairs(Consumer<Violation> out) {
		jdbc.query("""
				select user_id, account_id, count(*) from personal_access_token where status = 'ACTIVE'
				group by user_id, account_id having count(*) > 1 order by user_id, account_id""", rs -> {
			out.accept(new Violation(Violation.ONE_ACTIVE_PAT_PER_PAIR, "user " + rs.getLong(1) + ", account "
					+ rs.getLong(2) + " has " + rs.getLong(3) + " ACTIVE tokens"));
		});
	}

	public void deliveredWithPayload(Consumer<Violation> out) {
		jdbc.query("""
				select id, user_id, run_id from token_notification
				where status = 'DELIVERED' and payload is not null order by run_id, user_id""", rs -> {
			out.accept(new Violation(Violation.DELIVERED_WITHOUT_PAYLOAD, "notification " + rs.getString(1)
					+ " (user " + rs.getLong(2) + ", run " + rs.getLong(3) + ") is DELIVERED but still holds its"
					+ " encrypted payload"));
		});
	}

	/**
	 * SPEC §5 against the decisions real runs recorded (a decision row carries the status its run gave
	 * the user's key): a MIGRATED or REVOKED key needs a real run that decided so for its user (keys
	 * move only then, and never back); and the status the user's latest real run gave must be the
	 * status of one of the user's keys, unless that run quarantined the user (its decisions then carry
	 * the status the key had, which may be another user's key: KEY_OWNER_CHANGED).
	 */
	public void keyStatuses(Consumer<Violation> out) {
		jdbc.query("""
				select k.key_id, k.user_id, k.status from legacy_api_key k
				where k.status <> 'ACTIVE' and not exists (
				    select 1 from migration_decision d
				    where d.user_id = k.user_id and d.key_status = k.status and d.run_id in (""" + REAL_RUNS + """
				))
				order by k.key_id""", rs -> {
			out.accept(new Violation(Violation.KEY_STATUS_AGREES, "legacy key " + rs.getLong(1) + " (user "
					+ rs.getLong(2) + ") is " + rs.getString(3) + ", but no real run decided that for its user"));
		});
		jdbc.query("""
				select u.user_id, u.run_id, u.key_status from (
				    select d.user_id, d.run_id, max(d.key_status) key_status,
				           max(case when d.outcome = 'QUARANTINED' then 1 else 0 end) quarantined
				    from migration_decision d
				    join (select user_id, max(run_id) run_id from migration_decision
				          where run_id in (""" + REAL_RUNS + """
				) group by user_id) l on l.user_id = d.user_id and l.run_id = d.run_id
				    group by d.user_id, d.run_id) u
				where u.key_status <> 'ACTIVE' and u.quarantined = 0
				  and not exists (select 1 from legacy_api_key k where k.user_id = u.user_id and k.status = u.key_status)
				order by u.user_id""", rs -> {
			long user = rs.getLong(1);
			List<String> keys = jdbc.query("select key_id, status from legacy_api_key where user_id = ? order by key_id",
					(k, i) -> k.getLong(1) + " " + k.getString(2), user);
			out.accept(new Violation(Violation.KEY_STATUS_AGREES, "user " + user + ": run " + rs.getLong(2)
					+ " (the user's latest real run) made the legacy key " + rs.getString(3) + ", but "
					+ (keys.isEmpty() ? "the user has no key recorded" : "the user's keys are " + String.join(", ", keys))));
		});
	}

	/**
	 * Every token with its permission rows and its events, one token at a time, in one ordered
	 * stream: the token's row first, then its permissions, then its events in order.
	 */
	public void tokens(Consumer<Violation> out) {
		TokenAudit.Token[] token = { null };
		List<TokenAudit.Row> rows = new ArrayList<>();
		List<TokenAudit.Event> events = new ArrayList<>();
		Runnable flush = () -> {
			if (token[0] != null) {
				TokenAudit.check(token[0], rows, events).forEach(out);
			}
			token[0] = null;
			rows.clear();
			events.clear();
		};
		jdbc.query("""
				select t.id, 0 part, cast(0 as bigint) seq, t.status, t.revoke_reason, cast(null as varchar),
				       cast(null as varchar), t.user_id, t.account_id, cast(null as bigint)
				from personal_access_token t
				union all
				select p.token_id, 1, cast(0 as bigint), p.permission_set, cast(null as varchar), null, null,
				       cast(null as bigint), cast(null as bigint), p.project_id
				from personal_access_token_permission p
				union all
				select e.token_id, 2, e.id, e.event, e.reason, e.permissions_before, e.permissions_after,
				       cast(null as bigint), cast(null as bigint), cast(null as bigint)
				from token_event e
				order by 1, 2, 3""", rs -> {
			String id = rs.getString(1);
			int part = rs.getInt(2);
			if (part == 0) {
				flush.run();
				token[0] = new TokenAudit.Token(id, rs.getLong(8), rs.getLong(9), rs.getString(4), rs.getString(5));
			}
			else if (token[0] == null || !token[0].id().equals(id)) {
				return; // rows of a token that is not there: the foreign keys forbid it
			}
			else if (part == 1) {
				long project = rs.getLong(10);
				Long projectId = rs.wasNull() ? null : project;
				rows.add(new TokenAudit.Row(rs.getString(4), projectId));
			}
			else {
				events.add(new TokenAudit.Event(rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7)));
			}
		});
		flush.run();
	}

	/**
	 * What earlier runs recorded, for {@code verify --input}: every legacy key's status and user, and
	 * every ACTIVE token with its permissions, read once (the export is held in memory anyway).
	 */
	public ExportCases.Earlier earlier() {
		java.util.Map<Long, Object[]> keys = new java.util.HashMap<>();
		jdbc.query("select key_id, user_id, status from legacy_api_key", rs -> {
			keys.put(rs.getLong(1), new Object[] { rs.getLong(2), LegacyKeyStatus.valueOf(rs.getString(3)) });
		});
		java.util.Map<Long, java.util.Map<Long, String[]>> tokens = new java.util.HashMap<>();
		java.util.Map<String, List<Grant>> grants = new java.util.HashMap<>();
		jdbc.query("""
				select t.user_id, t.account_id, t.id, t.token_hint, p.permission_set, p.project_id
				from personal_access_token t
				left join personal_access_token_permission p on p.token_id = t.id
				where t.status = 'ACTIVE'""", rs -> {
			String id = rs.getString(3);
			tokens.computeIfAbsent(rs.getLong(1), u -> new java.util.TreeMap<>())
				.putIfAbsent(rs.getLong(2), new String[] { id, rs.getString(4) });
			String set = rs.getString(5);
			if (set != null) {
				grants.computeIfAbsent(id, k -> new ArrayList<>())
					.add(new Grant(PermissionSet.parse(set), rs.getObject(6, Long.class)));
			}
		});
		return new ExportCases.Earlier() {

			@Override
			public LegacyKeyStatus keyStatus(long keyId) {
				Object[] key = keys.get(keyId);
				return key == null ? null : (LegacyKeyStatus) key[1];
			}

			@Override
			public Long keyOwner(long keyId) {
				Object[] key = keys.get(keyId);
				return key == null ? null : (Long) key[0];
			}

			@Override
			public java.util.Map<Long, ExistingToken> activeTokens(long userId, java.util.Map<Long, Account> accounts) {
				java.util.Map<Long, ExistingToken> held = new java.util.TreeMap<>();
				tokens.getOrDefault(userId, java.util.Map.of()).forEach((account, t) -> held.put(account,
						new ExistingToken(t[0], t[1], Permissions.format(Permissions.inherit(grants.getOrDefault(t[0],
								List.of()))), account, accounts.get(account))));
				return held;
			}
		};
	}

	/** ACTIVE tokens in all. */
	public long activeTokens() {
		return jdbc.queryForObject("select count(*) from personal_access_token where status = 'ACTIVE'", Long.class);
	}
}
