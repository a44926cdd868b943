package io.keyshift.store;

import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The whole-file rules for H2, read as ordered streams and worked out here, a user (or an id, or
 * an e-mail) at a time. H2 computes window functions and GROUP BY entirely in memory, so the SQL
 * PostgreSQL runs for these rules needs memory in proportion to the export: at a million users it
 * ran out of a 512 MB heap. An ordered scan instead reads an index or an external sort, so memory
 * stays flat; what is kept here is only what the rules find (repeated ids, shared e-mails), which
 * a sound export has little of.
 */
final class StreamedRules {

	private final JdbcTemplate jdbc;

	private final Dialect dialect;

	private final long runId;

	StreamedRules(JdbcTemplate jdbc, Dialect dialect, long runId) {
		this.jdbc = jdbc;
		this.dialect = dialect;
		this.runId = runId;
	}

	/**
	 * The ids that more than one row of {@code table} carries in {@code column}, counting the rows
	 * of the file that were rejected for another reason ({@code rejected}: rows per id), with how
	 * many rows carry each. Staged ids are read in the order of the (run_id, column) index.
	 */
	Map<Long, Integer> repeatedIds(String table, String column, Map<Long, Integer> rejected) {
		Map<Long, Integer> repeated = new LinkedHashMap<>();
		long[] last = { 0 };
		int[] rows = { 0 };
		jdbc.query("select " + column + " from " + table + " where run_id = ? order by " + column, rs -> {
			long id = rs.getLong(1);
			if (rows[0] > 0 && id == last[0]) {
				rows[0]++;
			}
			else {
				last[0] = id;
				rows[0] = 1;
			}
			int carrying = rows[0] + rejected.getOrDefault(id, 0);
			if (carrying > 1) {
				repeated.put(id, carrying);
			}
		}, runId);
		return repeated;
	}

	/**
	 * One row per user with a legacy key (the key with the lowest id and its e-mail, how many keys,
	 * whether another user id has the same e-mail, ignoring case), as {@code StagingStore} builds
	 * with window functions on PostgreSQL. Returns the number of users.
	 */
	long buildUsers(int batchSize) {
		Set<Long> sharing = usersSharingAnEmail();
		TableWriter users = dialect.writer(jdbc, "stg_user",
				new String[] { "run_id", "user_id", "key_id", "email", "key_count", "shared_email" },
				new int[] { Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.VARCHAR, Types.INTEGER, Types.BOOLEAN },
				batchSize);
		UserKeys current = new UserKeys();
		long[] written = { 0 };
		jdbc.query("select user_id, key_id, email from stg_legacy_key where run_id = ? order by user_id, key_id", rs -> {
			long user = rs.getLong(1);
			if (current.keys > 0 && user != current.userId) {
				current.write(users, runId, sharing);
				written[0]++;
				current.keys = 0;
			}
			if (current.keys == 0) {
				current.userId = user;
				current.keyId = rs.getLong(2);
				current.email = rs.getString(3);
			}
			current.keys++;
		}, runId);
		if (current.keys > 0) {
			current.write(users, runId, sharing);
			written[0]++;
		}
		users.flush();
		return written[0];
	}

	/** The users whose e-mail (any case) another user id also has: keys read in e-mail order. */
	private Set<Long> usersSharingAnEmail() {
		Set<Long> sharing = new HashSet<>();
		List<Long> sameEmail = new ArrayList<>();
		String[] email = { null };
		jdbc.query("select email_lower, user_id from stg_legacy_key where run_id = ? order by email_lower, user_id",
				rs -> {
					String next = rs.getString(1);
					long user = rs.getLong(2);
					if (!next.equals(email[0])) {
						markShared(sameEmail, sharing);
						sameEmail.clear();
						email[0] = next;
					}
					if (sameEmail.isEmpty() || sameEmail.get(sameEmail.size() - 1) != user) {
						sameEmail.add(user);
					}
				}, runId);
		markShared(sameEmail, sharing);
		return sharing;
	}

	private static void markShared(List<Long> usersOfOneEmail, Set<Long> sharing) {
		if (usersOfOneEmail.size() > 1) {
			sharing.addAll(usersOfOneEmail);
		}
	}

	/**
	 * Membership rows that exactly repeat another valid row. A repeat has the same user, so the rows
	 * are read in user order (the index) and compared within each user only.
	 */
	long duplicateGrants() {
		Set<List<Object>> seen = new HashSet<>();
		long[] user = { Long.MIN_VALUE };
		long[] duplicates = { 0 };
		jdbc.query("""
				select user_id, account_id, license_type, permission_set, project_id from stg_membership
				where run_id = ? and not rejected order by user_id""", rs -> {
			long next = rs.getLong(1);
			if (next != user[0]) {
				seen.clear();
				user[0] = next;
			}
			List<Object> grant = java.util.Arrays.asList(rs.getLong(2), rs.getString(3), rs.getString(4),
					rs.getObject(5, Long.class));
			if (!seen.add(grant)) {
				duplicates[0]++;
			}
		}, runId);
		return duplicates[0];
	}

	/** Users with membership rows but no valid legacy key: membership rows read in user order. */
	long usersOutOfScope() {
		long[] last = { Long.MIN_VALUE };
		long[] users = { 0 };
		jdbc.query("""
				select m.user_id from stg_membership m
				where m.run_id = ? and not exists
				    (select 1 from stg_legacy_key k where k.run_id = m.run_id and k.user_id = m.user_id)
				order by m.user_id""", rs -> {
			long user = rs.getLong(1);
			if (user != last[0]) {
				users[0]++;
				last[0] = user;
			}
		}, runId);
		return users[0];
	}

	/** The keys of one user seen so far in a stream ordered by user and key. */
	private static final class UserKeys {

		long userId;

		long keyId;

		String email;

		int keys;

		void write(TableWriter users, long runId, Set<Long> sharing) {
			if (users.add(runId, userId, keyId, Objects.requireNonNull(email), keys, sharing.contains(userId))) {
				users.flush();
			}
		}
	}
}
