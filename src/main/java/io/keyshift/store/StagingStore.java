package io.keyshift.store;

import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.keyshift.input.AccountRow;
import io.keyshift.input.InputFile;
import io.keyshift.input.LegacyKeyRow;
import io.keyshift.input.MaskedRecord;
import io.keyshift.input.MembershipRow;
import io.keyshift.input.Reject;
import io.keyshift.input.StagingSink;
import io.keyshift.input.UsageRow;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes a checked export into the staging tables of one run, in batches, each batch in its own
 * transaction (a half-loaded run is cleared and loaded again). {@link #finish()} then applies the
 * rules that need the whole file: repeated ids reject every row carrying them, usage of an unknown
 * key is rejected, and the per-user facts are built set-wise.
 */
public class StagingStore implements StagingSink, AutoCloseable {

	private static final int BATCH = 10_000;

	private final JdbcTemplate jdbc;

	private final TransactionTemplate tx;

	private final long runId;

	private final StagedTable accounts;

	private final StagedTable keys;

	private final StagedTable memberships;

	private final StagedTable usage;

	private final StagedTable rejects;

	private final StagedTable rejectedIds;

	private final List<StagedTable> all;

	private final BackgroundSender sender;

	private final Dialect dialect;

	/** The whole-file rules as ordered streams: all of them on H2, the repeated ids on both. */
	private final StreamedRules streamed;

	private FlushListener flushListener = () -> {
	};

	/** Called after each batch is committed: where a long load can be interrupted. */
	public interface FlushListener {

		void flushed() throws Exception;
	}

	public StagingStore(JdbcTemplate jdbc, TransactionTemplate tx, long runId) {
		this.jdbc = jdbc;
		this.tx = tx;
		this.runId = runId;
		this.sender = new BackgroundSender(tx);
		this.dialect = Dialect.of(jdbc);
		this.streamed = new StreamedRules(jdbc, dialect, runId);
		this.accounts = new StagedTable(jdbc, dialect, InputFile.ACCOUNTS.fileName(), "stg_account",
				new String[] { "run_id", "line", "account_id", "account_name", "plan", "state" },
				new int[] { Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR },
				BATCH);
		this.keys = new StagedTable(jdbc, dialect, InputFile.LEGACY_KEYS.fileName(), "stg_legacy_key",
				new String[] { "run_id", "line", "key_id", "user_id", "email", "email_lower", "fingerprint", "hint",
						"created_at", "last_used_at" },
				new int[] { Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.VARCHAR, Types.VARCHAR,
						Types.CHAR, Types.VARCHAR, Types.TIMESTAMP_WITH_TIMEZONE, Types.TIMESTAMP_WITH_TIMEZONE },
				BATCH);
		this.memberships = new StagedTable(jdbc, dialect, InputFile.MEMBERSHIPS.fileName(), "stg_membership",
				new String[] { "run_id", "line", "user_id", "account_id", "license_type", "permission_set", "project_id",
						"rejected" },
				new int[] { Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.VARCHAR, Types.VARCHAR,
						Types.BIGINT, Types.BOOLEAN },
				BATCH);
		this.usage = new StagedTable(jdbc, dialect, InputFile.USAGE.fileName(), "stg_usage",
				new String[] { "run_id", "line", "key_id", "endpoint", "client", "last_called_at", "calls" },
				new int[] { Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.VARCHAR, Types.VARCHAR,
						Types.TIMESTAMP_WITH_TIMEZONE, Types.BIGINT },
				BATCH);
		this.rejects = new StagedTable(jdbc, dialect, null, "input_reject",
				new String[] { "run_id", "file", "line", "category", "reason", "record", "unattributed" },
				new int[] { Types.BIGINT, Types.VARCHAR, Types.BIGINT, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
						Types.BOOLEAN },
				BATCH);
		this.rejectedIds = new StagedTable(jdbc, dialect, null, "stg_rejected_id", new String[] { "run_id", "file", "line", "id" },
				new int[] { Types.BIGINT, Types.VARCHAR, Types.BIGINT, Types.BIGINT }, BATCH);
		this.all = List.of(accounts, keys, memberships, usage, rejects, rejectedIds);
	}

	/**
	 * Whether this run's staging rows are all there: a load that finished, and (on PostgreSQL, where
	 * staging tables are unlogged) no database crash since, which would have emptied them.
	 */
	public boolean intact() {
		List<Long> users = jdbc.queryForList("select users_in_scope from run_record where run_id = ?", Long.class,
				runId);
		return !users.isEmpty() && users.get(0) == jdbc
			.queryForObject("select count(*) from stg_user where run_id = ?", Long.class, runId)
			.longValue();
	}

	/** Removes whatever an interrupted load of this run left behind. */
	public void clear() {
		tx.executeWithoutResult(status -> {
			StagingTables.drop(jdbc, runId);
			for (String table : List.of("input_file", "input_reject", "run_record")) {
				jdbc.update("delete from " + table + " where run_id = ?", runId);
			}
		});
	}

	@Override
	public void account(AccountRow row) {
		add(accounts, runId, row.line(), row.accountId(), row.accountName(), row.plan().code(), row.state().code());
	}

	@Override
	public void legacyKey(LegacyKeyRow row) {
		add(keys, runId, row.line(), row.keyId(), row.userId(), row.email(), row.email().toLowerCase(Locale.ROOT),
				row.fingerprint(), row.hint(), row.createdAt(), row.lastUsedAt());
	}

	@Override
	public void membership(MembershipRow row) {
		add(memberships, runId, row.line(), row.userId(), row.accountId(), row.license().code(),
				row.permissionSet().code(), row.projectId(), false);
	}

	@Override
	public void rejectedMembership(long line, long userId, Long accountId) {
		add(memberships, runId, line, userId, accountId, null, null, null, true);
	}

	@Override
	public void unattributed(Reject reject) {
		add(rejects, runId, reject.file(), reject.line(), reject.category(), reject.reason(), reject.record(), true);
	}

	@Override
	public void rejectedId(InputFile file, long line, long id) {
		add(rejectedIds, runId, file.fileName(), line, id);
	}

	@Override
	public void usage(UsageRow row) {
		add(usage, runId, row.line(), row.keyId(), row.endpoint(), row.client(), row.lastCalledAt(), row.calls());
	}

	@Override
	public void reject(Reject reject) {
		add(rejects, runId, reject.file(), reject.line(), reject.category(), reject.reason(), reject.record(), false);
	}

	@Override
	public void fileRead(InputFile file, long rowsRead, long rowsRejected) {
		flushAll();
		tx.executeWithoutResult(status -> jdbc.update(
				"insert into input_file (run_id, file, rows_read, rows_deduplicated) values (?, ?, ?, 0)", runId,
				file.fileName(), rowsRead));
	}

	/** The rows read so far that belong to nobody: every row sent first. */
	public UnattributedRows unattributed() {
		flushAll();
		return UnattributedRows.of(jdbc, runId);
	}

	public void onFlush(FlushListener listener) {
		this.flushListener = listener;
	}

	private void add(StagedTable table, Object... values) {
		if (table.add(values)) {
			send(table);
			try {
				flushListener.flushed();
			}
			catch (RuntimeException ex) {
				throw ex;
			}
			catch (Exception ex) {
				throw new Interrupted(ex);
			}
		}
	}

	/** Carries a checked interruption out of the sink callbacks. */
	public static final class Interrupted extends RuntimeException {

		Interrupted(Exception cause) {
			super(cause.getMessage(), cause);
		}
	}

	/** Sends a table's open batch on the background thread; a value the database refuses is named by file and line. */
	private void send(StagedTable table) {
		StagedTable.Batch batch = table.detach();
		sender.send(batch.send(), failure -> table.explain(batch.rows(), failure, tx));
	}

	/** Sends every buffered row and waits until all are committed. */
	private void flushAll() {
		all.forEach(this::send);
		sender.drain();
	}

	/** Stops the background writer (rows not yet committed are dropped: a load restarts from scratch). */
	@Override
	public void close() {
		sender.close();
	}

	/**
	 * Applies the whole-file rules and builds one row per user in scope. On PostgreSQL in SQL: the
	 * count of repeated membership rows reads nothing the other rules change, so it runs meanwhile
	 * on a second connection, and the two biggest statements (that aggregate over every membership
	 * row, and the per-user windows over every key) take the time of the longer one, not of both.
	 * On H2, whose windows and groupings are held in memory, as ordered streams instead.
	 */
	public void finish() {
		flushAll();
		// fresh statistics first: the whole-file rules and the migrate step's page queries plan from them.
		// Committed at once: new statistics are seen by other connections (the rules' own transactions)
		// only when committed. Left in the step's open transaction, a later run in the same database would
		// plan with the earlier run's, which know no rows of this run_id: nested loops over every row.
		tx.executeWithoutResult(status -> dialect.analyze(jdbc,
				List.of("stg_account", "stg_legacy_key", "stg_membership", "stg_usage")));
		if (dialect == Dialect.H2) {
			finishStreamed();
		}
		else {
			finishInSql();
		}
		sender.drain();
		tx.executeWithoutResult(status -> dialect.analyze(jdbc, List.of("stg_user")));
	}

	private void finishInSql() {
		CompletableFuture<Long> duplicates = CompletableFuture.supplyAsync(() -> tx.execute(status -> {
			dialect.workMem(jdbc, "256MB");
			return countDuplicateGrants();
		}), StagingStore::inBackground);
		try {
			tx.executeWithoutResult(status -> {
				// whole-table windows over millions of rows: room to sort them in memory, this transaction only
				dialect.workMem(jdbc, "256MB");
				rejectRepeatedIds();
				rejectUsageOfUnknownKeys();
				buildUsers();
				recordScope(); // before waiting: the repeated-grant count is the longer of the two
				recordDeduplicated(outcome(duplicates));
			});
		}
		finally {
			duplicates.handle((count, ex) -> null).join(); // when the rules fail: never leave it running on our connection
		}
	}

	/** H2: the same rules read as ordered streams (see {@link StreamedRules}), so memory stays flat. */
	private void finishStreamed() {
		tx.executeWithoutResult(status -> {
			rejectRepeatedIds();
			rejectUsageOfUnknownKeys();
			long users = streamed.buildUsers(BATCH);
			recordDeduplicated(streamed.duplicateGrants());
			jdbc.update("insert into run_record (run_id, users_in_scope, users_out_of_scope) values (?, ?, ?)", runId,
					users, streamed.usersOutOfScope());
		});
	}

	private void recordDeduplicated(long repeatedGrants) {
		jdbc.update("update input_file set rows_deduplicated = ? where run_id = ? and file = ?", repeatedGrants, runId,
				InputFile.MEMBERSHIPS.fileName());
	}

	private static void inBackground(Runnable task) {
		Thread thread = new Thread(task, "keyshift-load-rules");
		thread.setDaemon(true);
		thread.start();
	}

	private static long outcome(CompletableFuture<Long> result) {
		try {
			return result.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw ex;
		}
	}

	/**
	 * Every row carrying an account_id or key_id that another row of its file also carries is
	 * rejected. The repeated ids are found by reading the ids in index order (flat memory on both
	 * databases); only their rows are then read.
	 */
	private void rejectRepeatedIds() {
		List<Reject> repeated = new ArrayList<>();
		streamed.repeatedIds("stg_account", "account_id", rejectedIds(InputFile.ACCOUNTS)).forEach((id, n) -> jdbc.query("""
				select line, account_id, account_name, plan, state from stg_account
				where run_id = ? and account_id = ?""", rs -> {
			repeated.add(new Reject(InputFile.ACCOUNTS.fileName(), rs.getLong(1), "repeated account_id",
					"account_id " + rs.getLong(2) + " appears on " + n + " rows; all of them are rejected",
					MaskedRecord.line(rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5))));
		}, runId, id));
		streamed.repeatedIds("stg_legacy_key", "key_id", rejectedIds(InputFile.LEGACY_KEYS)).forEach((id, n) -> jdbc.query("""
				select line, key_id, user_id, email, created_at, last_used_at from stg_legacy_key
				where run_id = ? and key_id = ?""", rs -> {
			repeated.add(new Reject(InputFile.LEGACY_KEYS.fileName(), rs.getLong(1), "repeated key_id",
					"key_id " + rs.getLong(2) + " appears on " + n + " rows; all of them are rejected",
					MaskedRecord.line(rs.getString(2), rs.getString(3), rs.getString(4), "[redacted]",
							Timestamps.text(rs, 5), Timestamps.text(rs, 6))));
		}, runId, id));
		if (repeated.isEmpty()) {
			return;
		}
		repeated.forEach(this::reject);
		rejects.detach().send().run();
		deleteLines("stg_account", InputFile.ACCOUNTS, repeated);
		deleteLines("stg_legacy_key", InputFile.LEGACY_KEYS, repeated);
	}

	/** How many rejected rows of {@code file} carry each id (a hostile export may have many; a sound one few). */
	private Map<Long, Integer> rejectedIds(InputFile file) {
		Map<Long, Integer> ids = new HashMap<>();
		jdbc.query("select id from stg_rejected_id where run_id = ? and file = ?",
				rs -> {
					ids.merge(rs.getLong(1), 1, Integer::sum);
				}, runId, file.fileName());
		return ids;
	}

	private void deleteLines(String table, InputFile file, List<Reject> rejected) {
		Object[] lines = rejected.stream().filter(r -> r.file().equals(file.fileName())).map(Reject::line).toArray();
		if (lines.length > 0) {
			jdbc.update("delete from " + table + " where run_id = ? and line = any (?)", ps -> {
				ps.setLong(1, runId);
				ps.setArray(2, ps.getConnection().createArrayOf("bigint", lines));
			});
		}
	}

	private void rejectUsageOfUnknownKeys() {
		List<Reject> unknown = new ArrayList<>();
		jdbc.query("""
				select u.line, u.key_id, u.endpoint, u.client, u.last_called_at, u.calls from stg_usage u
				where u.run_id = ? and not exists
				    (select 1 from stg_legacy_key k where k.run_id = u.run_id and k.key_id = u.key_id)""", rs -> {
			unknown.add(new Reject(InputFile.USAGE.fileName(), rs.getLong(1), "unknown key_id",
					"key_id " + rs.getLong(2) + " is not a valid row of legacy_api_keys.csv",
					MaskedRecord.line(rs.getString(2), rs.getString(3), rs.getString(4), Timestamps.text(rs, 5),
							rs.getString(6))));
		}, runId);
		if (unknown.isEmpty()) {
			return;
		}
		unknown.forEach(this::reject);
		rejects.detach().send().run();
		jdbc.update("""
				delete from stg_usage u where u.run_id = ? and not exists
				    (select 1 from stg_legacy_key k where k.run_id = u.run_id and k.key_id = u.key_id)""", runId);
	}

	/**
	 * One row per user with a legacy key: the first key (lowest id), how many keys the user has, and
	 * whether another user has the same email (any case). Window functions rather than joins against
	 * grouped subqueries: one pass over the keys on both databases (H2 can evaluate such a join row
	 * by row).
	 */
	private void buildUsers() {
		jdbc.update("""
				insert into stg_user (run_id, user_id, key_id, email, key_count, shared_email)
				select run_id, user_id, key_id, email, n, shared > 0 from (
				    select t.*, max(case when lo <> hi then 1 else 0 end) over (partition by user_id) shared from (
				        select k.run_id, k.user_id, k.key_id, k.email,
				               count(*) over (partition by k.user_id) n,
				               row_number() over (partition by k.user_id order by k.key_id) rn,
				               min(k.user_id) over (partition by k.email_lower) lo,
				               max(k.user_id) over (partition by k.email_lower) hi
				        from stg_legacy_key k
				        where k.run_id = ?) t) u
				where rn = 1""", runId);
	}

	private void recordScope() {
		jdbc.update("""
				insert into run_record (run_id, users_in_scope, users_out_of_scope)
				values (?, (select count(*) from stg_user where run_id = ?),
				        (select count(distinct m.user_id) from stg_membership m
				         where m.run_id = ? and not exists
				             (select 1 from stg_legacy_key k where k.run_id = m.run_id and k.user_id = m.user_id)))""",
				runId, runId, runId);
	}

	/** Membership rows that exactly repeat another row of the file (SPEC §2: deduplicated, not rejected). */
	private long countDuplicateGrants() {
		return jdbc.queryForObject("""
				select coalesce(sum(n - 1), 0) from (
				    select count(*) n from stg_membership where run_id = ? and not rejected
				    group by user_id, account_id, license_type, permission_set, project_id
				    having count(*) > 1) d""", Long.class, runId);
	}
}
