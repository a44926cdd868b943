package io.keyshift.store;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.keyshift.migration.Account;
import io.keyshift.migration.AccountState;
import io.keyshift.migration.ExistingToken;
import io.keyshift.migration.Grant;
import io.keyshift.migration.KeyUsage;
import io.keyshift.migration.LegacyKeyStatus;
import io.keyshift.migration.License;
import io.keyshift.migration.Membership;
import io.keyshift.migration.PermissionSet;
import io.keyshift.migration.Permissions;
import io.keyshift.migration.Plan;
import io.keyshift.migration.UserCase;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Assembles the {@link UserCase}s of a run a page at a time, in user id order, with a fixed number
 * of set-based queries per page (users, their grants, their existing tokens, their key usage): no
 * query per user. A user this run already decided (a replayed page) is not read again.
 */
public class UserCaseSource {

	private final JdbcTemplate jdbc;

	private final long runId;

	/**
	 * This run's accounts by id, read on the first page (see {@link #accounts()}); volatile, as the
	 * revocation check's threads share one source.
	 */
	private volatile Map<Long, Account> accounts;

	public UserCaseSource(JdbcTemplate jdbc, long runId) {
		this.jdbc = jdbc;
		this.runId = runId;
	}

	/** How many users this run has in scope. */
	public long countUsers() {
		return jdbc.queryForObject("select count(*) from stg_user where run_id = ?", Long.class, runId);
	}

	/**
	 * Where a reader of the range {@code after < user_id <= upTo} starts: just before the first user
	 * of the range this run has not decided yet (so after every decided one), or at the range's end
	 * when all are decided. Read from the committed decisions, never from a saved position, which can
	 * run ahead of what was committed when a chunk's commit fails with its connection.
	 */
	public long resumeAfter(long after, long upTo) {
		// the common case, a range nobody has started: one index probe, no anti-join over the decisions
		Long lastDecided = jdbc.queryForObject("""
				select max(user_id) from migration_decision where run_id = ? and user_id > ? and user_id <= ?""",
				Long.class, runId, after, upTo);
		if (lastDecided == null) {
			return after;
		}
		List<Long> firstUndecided = jdbc.queryForList("""
				select u.user_id from stg_user u
				where u.run_id = ? and u.user_id > ? and u.user_id <= ?
				  and not exists (select 1 from migration_decision d where d.run_id = u.run_id and d.user_id = u.user_id)
				order by u.user_id
				fetch first 1 rows only""", Long.class, runId, after, lastDecided);
		return firstUndecided.isEmpty() ? lastDecided : firstUndecided.get(0) - 1;
	}

	/** How many users of this run are decided already (by an earlier process of a resumed run). */
	public long countDecided() {
		return jdbc.queryForObject("select count(distinct user_id) from migration_decision where run_id = ?",
				Long.class, runId);
	}

	/**
	 * Where to cut this run's users into {@code parts} ranges of about the same number of users:
	 * the last user id of each range but the last, ascending (fewer when there are few users).
	 */
	public List<Long> boundaries(int parts) {
		long users = countUsers();
		if (parts <= 1 || users < 2) {
			return List.of();
		}
		long step = Math.max(1, (users + parts - 1) / parts);
		return jdbc.queryForList("""
				select user_id from (
				    select user_id, row_number() over (order by user_id) rn from stg_user where run_id = ?) t
				where mod(rn, ?) = 0 and rn < ?
				order by user_id""", Long.class, runId, step, users);
	}

	/**
	 * The next page: up to {@code limit} users with {@code afterUserId < user_id <= maxUserId}, in
	 * order, less any this run has already decided (a page replayed after a crash is not decided
	 * twice). {@link Page#lastUserId()} is where the next page starts.
	 */
	public Page page(long afterUserId, long maxUserId, int limit) {
		List<UserRow> users = new ArrayList<>(limit);
		jdbc.query("""
				select u.user_id, u.key_id, u.email, u.key_count, u.shared_email, k.status, k.user_id
				from stg_user u
				left join legacy_api_key k on k.key_id = u.key_id
				where u.run_id = ? and u.user_id > ? and u.user_id <= ?
				order by u.user_id
				fetch first ? rows only""", rs -> {
			String status = rs.getString(6);
			long keyOwner = rs.getLong(7);
			boolean keyOwnerChanged = !rs.wasNull() && keyOwner != rs.getLong(1);
			users.add(new UserRow(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4), rs.getBoolean(5),
					status == null ? null : LegacyKeyStatus.valueOf(status), keyOwnerChanged));
		}, runId, afterUserId, maxUserId, limit);
		if (users.isEmpty()) {
			return new Page(List.of(), afterUserId, true);
		}
		long first = users.get(0).userId();
		long last = users.get(users.size() - 1).userId();
		boolean complete = users.size() < limit;
		Set<Long> decided = new HashSet<>(jdbc.queryForList("""
				select distinct user_id from migration_decision where run_id = ? and user_id between ? and ?""",
				Long.class, runId, first, last));
		if (!decided.isEmpty()) {
			users.removeIf(u -> decided.contains(u.userId()));
		}
		Set<Long> rejectedWithoutAccount = new HashSet<>();
		Map<Long, TreeMap<Long, PairRows>> pairs = memberships(first, last, rejectedWithoutAccount);
		Map<Long, TreeMap<Long, ExistingToken>> tokens = activeTokens(first, last);
		Map<Long, List<KeyUsage>> usage = usage(first, last);
		List<UserCase> cases = new ArrayList<>(users.size());
		for (UserRow user : users) {
			TreeMap<Long, ExistingToken> held = tokens.getOrDefault(user.userId(), new TreeMap<>());
			List<Membership> memberships = new ArrayList<>();
			for (PairRows pair : pairs.getOrDefault(user.userId(), new TreeMap<>()).values()) {
				memberships.add(new Membership(pair.accountId, pair.account, pair.rejected, pair.licenses,
						new ArrayList<>(pair.grants), held.get(pair.accountId)));
			}
			cases.add(new UserCase(user.userId(), user.keyId(), user.email(), user.keyCount(), user.sharedEmail(),
					user.keyStatus(), memberships, usage.getOrDefault(user.keyId(), List.of()),
					rejectedWithoutAccount.contains(user.userId()), new ArrayList<>(held.values()),
					user.keyOwnerChanged()));
		}
		return new Page(cases, last, complete);
	}

	/** Users to decide, the last user id the page covered, and whether no user follows it. */
	public record Page(List<UserCase> users, long lastUserId, boolean complete) {
	}

	/**
	 * The users' membership rows by user and account; the users with a rejected row whose account
	 * could not be read go to {@code rejectedWithoutAccount}.
	 */
	private Map<Long, TreeMap<Long, PairRows>> memberships(long first, long last, Set<Long> rejectedWithoutAccount) {
		Map<Long, Account> accounts = accounts();
		Map<Long, TreeMap<Long, PairRows>> byUser = new HashMap<>();
		jdbc.query("""
				select m.user_id, m.account_id, m.rejected, m.license_type, m.permission_set, m.project_id
				from stg_membership m
				where m.run_id = ? and m.user_id between ? and ?""", rs -> {
			Long readAccount = rs.getObject(2, Long.class);
			if (readAccount == null) {
				rejectedWithoutAccount.add(rs.getLong(1));
				return;
			}
			long accountId = readAccount;
			PairRows pair = byUser.computeIfAbsent(rs.getLong(1), u -> new TreeMap<>())
				.computeIfAbsent(accountId, a -> new PairRows(a, accounts.get(a)));
			if (rs.getBoolean(3)) {
				pair.rejected = true;
				return;
			}
			pair.licenses.add(License.parse(rs.getString(4)));
			pair.grants.add(new Grant(PermissionSet.parse(rs.getString(5)), rs.getObject(6, Long.class)));
		}, runId, first, last);
		return byUser;
	}

	/**
	 * Every account of the run's export, read once by this source (one partition of the migrate
	 * step) instead of being joined to each page's membership rows, which made the database hash
	 * all accounts again for every chunk. An account takes about 150 bytes; a typical export has
	 * one account per 40 users.
	 */
	private Map<Long, Account> accounts() {
		if (accounts == null) {
			Map<Long, Account> byId = new HashMap<>();
			jdbc.query("select account_id, account_name, plan, state from stg_account where run_id = ?", rs -> {
				long id = rs.getLong(1);
				byId.put(id, new Account(id, rs.getString(2), Plan.parse(rs.getString(3)),
						AccountState.parse(rs.getString(4))));
			}, runId);
			accounts = byId;
		}
		return accounts;
	}

	/**
	 * The ACTIVE PATs of these users, by user and account (SPEC §3.2: a PAT belongs to its pair,
	 * whatever legacy key it was minted for), with their permissions: one query per page, read
	 * through the index on the token's user. A token this run minted is not "from an earlier run".
	 */
	private Map<Long, TreeMap<Long, ExistingToken>> activeTokens(long first, long last) {
		Map<Long, Account> accounts = accounts();
		Map<Long, Map<Long, String[]>> tokens = new HashMap<>();
		Map<String, List<Grant>> grants = new HashMap<>();
		jdbc.query("""
				select t.user_id, t.account_id, t.id, t.token_hint, p.permission_set, p.project_id
				from personal_access_token t
				left join personal_access_token_permission p on p.token_id = t.id
				where t.user_id between ? and ? and t.status = 'ACTIVE' and t.run_id <> ?""", rs -> {
			String id = rs.getString(3);
			tokens.computeIfAbsent(rs.getLong(1), u -> new HashMap<>())
				.putIfAbsent(rs.getLong(2), new String[] { id, rs.getString(4) });
			String set = rs.getString(5);
			if (set != null) {
				grants.computeIfAbsent(id, k -> new ArrayList<>())
					.add(new Grant(PermissionSet.parse(set), rs.getObject(6, Long.class)));
			}
		}, first, last, runId);
		Map<Long, TreeMap<Long, ExistingToken>> byUser = new HashMap<>();
		tokens.forEach((user, byAccount) -> byAccount.forEach((account, t) -> byUser
			.computeIfAbsent(user, u -> new TreeMap<>())
			.put(account, new ExistingToken(t[0], t[1],
					Permissions.format(Permissions.inherit(grants.getOrDefault(t[0], List.of()))), account,
					accounts.get(account)))));
		return byUser;
	}

	private Map<Long, List<KeyUsage>> usage(long first, long last) {
		Map<Long, List<KeyUsage>> byKey = new HashMap<>();
		jdbc.query("""
				select s.key_id, s.endpoint, s.client, s.last_called_at, s.calls
				from stg_user u
				join stg_usage s on s.run_id = u.run_id and s.key_id = u.key_id
				where u.run_id = ? and u.user_id between ? and ?
				order by s.key_id, s.last_called_at desc""", rs -> {
			byKey.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
				.add(new KeyUsage(rs.getString(2), rs.getString(3), Timestamps.get(rs, 4), rs.getLong(5)));
		}, runId, first, last);
		return byKey;
	}

	private record UserRow(long userId, long keyId, String email, int keyCount, boolean sharedEmail,
			LegacyKeyStatus keyStatus, boolean keyOwnerChanged) {
	}

	private static final class PairRows {

		final long accountId;

		final Account account;

		boolean rejected;

		final Set<License> licenses = EnumSet.noneOf(License.class);

		final List<Grant> grants = new ArrayList<>();

		PairRows(long accountId, Account account) {
			this.accountId = accountId;
			this.account = account;
		}
	}
}
