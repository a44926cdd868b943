package io.keyshift.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * SQL for delivering {@code token_notification} rows. Every change is one statement guarded by
 * {@code status = 'PENDING'}, so a row that was delivered cannot be claimed, failed or delivered
 * again: the caller learns it from the update count.
 */
public class NotificationStore {

	/** {@code last_error} holds at most this many characters. */
	public static final int MAX_ERROR_LENGTH = 1000;

	private final JdbcTemplate jdbc;

	public NotificationStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * A pending notification. {@code sealedPayload} is the base64 AES-GCM ciphertext: not a secret
	 * without the delivery key, but never printed either.
	 */
	public record Pending(UUID id, long userId, String email, String kind, String sealedPayload, int attempts,
			String lastError, OffsetDateTime createdAt, long runId) {

		@Override
		public String toString() {
			return "Pending[id=" + id + ", userId=" + userId + ", kind=" + kind + ", attempts=" + attempts + "]";
		}
	}

	/**
	 * One page of the pending notifications due at {@code now} (never tried, or their backoff is
	 * over), in id order after {@code after} (null: from the start). Keyset paging, no offset.
	 */
	public List<Pending> due(OffsetDateTime now, UUID after, int limit) {
		if (after == null) {
			return jdbc.query("""
					select id, user_id, email, kind, payload, attempts, last_error, created_at, run_id
					from token_notification
					where status = 'PENDING' and (next_attempt_at is null or next_attempt_at <= ?)
					order by id
					fetch first ? rows only
					""", NotificationStore::pending, now, limit);
		}
		return jdbc.query("""
				select id, user_id, email, kind, payload, attempts, last_error, created_at, run_id
				from token_notification
				where status = 'PENDING' and (next_attempt_at is null or next_attempt_at <= ?) and id > ?
				order by id
				fetch first ? rows only
				""", NotificationStore::pending, now, after, limit);
	}

	/**
	 * Makes every pending notification that failed and waits for its retry due at {@code now}
	 * ({@code deliver --now}, once the cause is fixed). Rows never tried, or held after a crash
	 * without a failure, keep their time. Returns how many were waiting.
	 */
	public long retryNow(OffsetDateTime now) {
		return jdbc.update("""
				update token_notification
				set next_attempt_at = ?
				where status = 'PENDING' and attempts > 0 and next_attempt_at > ?
				""", now, now);
	}

	/**
	 * Takes a due row for one sender until {@code until}: a second deliverer running at the same
	 * time sees it as not due and leaves it alone. False when the row is no longer pending and due
	 * (delivered, or taken by someone else meanwhile). If the sender dies, the row is due again at
	 * {@code until}.
	 */
	public boolean claim(UUID id, OffsetDateTime now, OffsetDateTime until) {
		return jdbc.update("""
				update token_notification
				set next_attempt_at = ?
				where id = ? and status = 'PENDING' and (next_attempt_at is null or next_attempt_at <= ?)
				""", until, id, now) == 1;
	}

	/**
	 * Marks a row delivered and erases its payload, in one statement, and appends a DELIVERED event
	 * for each token whose value it carried (SPEC §3.2): the tokens its run minted for its user. The
	 * caller runs both in one transaction.
	 * False when it was not pending any more (another deliverer got there first): nothing is changed then.
	 */
	public boolean markDelivered(UUID id, OffsetDateTime now) {
		boolean marked = jdbc.update("""
				update token_notification
				set status = 'DELIVERED', payload = null, delivered_at = ?, next_attempt_at = null, last_error = null
				where id = ? and status = 'PENDING'
				""", now, id) == 1;
		if (marked) {
			// the tokens whose values a notification carries are those its run minted for its user
			jdbc.update("""
					insert into token_event (token_id, run_id, event, occurred_at, actor)
					select t.id, n.run_id, 'DELIVERED', ?, ?
					from token_notification n
					join personal_access_token t on t.user_id = n.user_id and t.run_id = n.run_id
					where n.id = ?""", now, Actor.thisProcess(), id);
		}
		return marked;
	}

	/**
	 * Records a failed attempt: the row stays PENDING with its payload, {@code attempts} becomes
	 * {@code attempts}, and it is due again at {@code nextAttemptAt}. {@code error} must hold no
	 * secret; it is cut to {@link #MAX_ERROR_LENGTH} characters.
	 */
	public boolean recordFailure(UUID id, int attempts, String error, OffsetDateTime nextAttemptAt) {
		String text = error == null ? "unknown error" : error;
		if (text.length() > MAX_ERROR_LENGTH) {
			text = text.substring(0, MAX_ERROR_LENGTH - 1) + "…";
		}
		return jdbc.update("""
				update token_notification
				set attempts = ?, last_error = ?, next_attempt_at = ?
				where id = ? and status = 'PENDING'
				""", attempts, text, nextAttemptAt, id) == 1;
	}

	/**
	 * Keeps a row this sender holds for longer (a throttled message waits before it is tried again):
	 * only while it is still pending and its lease has not ended at {@code now} (no one else can have
	 * taken it then). False otherwise.
	 */
	public boolean extendLease(UUID id, OffsetDateTime now, OffsetDateTime until) {
		return jdbc.update("""
				update token_notification
				set next_attempt_at = ?
				where id = ? and status = 'PENDING' and next_attempt_at > ?
				""", until, id, now) == 1;
	}

	/**
	 * Records that the mail server refused a row for good (a 5xx reply): it becomes UNDELIVERABLE
	 * with {@code attempts} and the server's reply in {@code last_error}, keeps its payload, and is
	 * not tried again until {@link #retryUndeliverable()}. {@code error} must hold no secret.
	 */
	public boolean markUndeliverable(UUID id, int attempts, String error) {
		return jdbc.update("""
				update token_notification
				set status = 'UNDELIVERABLE', attempts = ?, last_error = ?, next_attempt_at = null
				where id = ? and status = 'PENDING'
				""", attempts, cut(error), id) == 1;
	}

	/**
	 * Makes every UNDELIVERABLE row PENDING and due now ({@code deliver --retry-undeliverable}, once
	 * the addresses were fixed); attempts and last error stay as a record. Returns how many.
	 */
	public long retryUndeliverable(OffsetDateTime now) {
		return retryUndeliverable(now, Set.of());
	}

	/** As {@link #retryUndeliverable(OffsetDateTime)}, leaving the notifications of {@code skipRuns} alone. */
	public long retryUndeliverable(OffsetDateTime now, Set<Long> skipRuns) {
		String skip = skipRuns.isEmpty() ? ""
				: " and run_id not in (" + String.join(", ", skipRuns.stream().map(String::valueOf).toList()) + ")";
		return jdbc.update("update token_notification set status = 'PENDING', next_attempt_at = ?"
				+ " where status = 'UNDELIVERABLE'" + skip, now);
	}

	/** How many notifications the mail server refused for good and wait for the operator. */
	public long countUndeliverable() {
		Long count = jdbc.queryForObject("select count(*) from token_notification where status = 'UNDELIVERABLE'",
				Long.class);
		return count == null ? 0 : count;
	}

	/** How many pending notifications are due at {@code now}: what a delivery starting then will try. */
	public long countDue(OffsetDateTime now) {
		Long count = jdbc.queryForObject("""
				select count(*) from token_notification
				where status = 'PENDING' and (next_attempt_at is null or next_attempt_at <= ?)
				""", Long.class, now);
		return count == null ? 0 : count;
	}

	private static String cut(String error) {
		String text = error == null ? "unknown error" : error;
		return text.length() > MAX_ERROR_LENGTH ? text.substring(0, MAX_ERROR_LENGTH - 1) + "…" : text;
	}

	/**
	 * Until the returned handle is closed, every commit reaches the database file before it returns:
	 * on H2, a process killed right after a message was sent could otherwise lose its DELIVERED mark,
	 * even its claim, and the message would go out again. See {@link H2Commits}.
	 */
	public H2Commits.Handle writeEachCommitAtOnce() {
		return H2Commits.writeEachAtOnce(jdbc);
	}

	/** Whether the notifications are in embedded H2 (one writer at a time keeps a kill whole: see {@link H2Commits}). */
	public boolean embeddedH2() {
		return Dialect.of(jdbc) == Dialect.H2;
	}

	/** How many notifications are still pending, due now or not. */
	public long countPending() {
		Long count = jdbc.queryForObject("select count(*) from token_notification where status = 'PENDING'",
				Long.class);
		return count == null ? 0 : count;
	}

	/** How many notifications were delivered (in link mode: their tokens claimed). */
	public long countDelivered() {
		Long count = jdbc.queryForObject("select count(*) from token_notification where status = 'DELIVERED'",
				Long.class);
		return count == null ? 0 : count;
	}

	/** How many notifications wait for their claim: their link was e-mailed (link mode), not yet claimed. */
	public long countSent() {
		Long count = jdbc.queryForObject("select count(*) from token_notification where status = 'SENT'", Long.class);
		return count == null ? 0 : count;
	}

	/** How many notifications there are, pending or delivered. */
	public long countAll() {
		Long count = jdbc.queryForObject("select count(*) from token_notification", Long.class);
		return count == null ? 0 : count;
	}

	/**
	 * Pending notifications of one run (a migrate job instance) sealed with one key, and how many
	 * there are. {@code deliveryKeyId} is null for rows of the previous release, which recorded none.
	 */
	public record RunPending(long runId, String deliveryKeyId, long pending) {
	}

	/** How many notifications are pending, per run and delivery key id, in run order. */
	public List<RunPending> pendingByRun() {
		return pendingByRun(false);
	}

	/**
	 * As {@link #pendingByRun()}, counting the UNDELIVERABLE notifications too when
	 * {@code withUndeliverable} (deliver --retry-undeliverable tries the key on them before it makes them
	 * pending again).
	 */
	public List<RunPending> pendingByRun(boolean withUndeliverable) {
		return jdbc.query("""
				select run_id, delivery_key_id, count(*)
				from token_notification
				where status = 'PENDING' or (? and status = 'UNDELIVERABLE')
				group by run_id, delivery_key_id
				order by run_id, coalesce(delivery_key_id, '')
				""", (rs, row) -> new RunPending(rs.getLong(1), rs.getString(2), rs.getLong(3)), withUndeliverable);
	}

	/**
	 * The claim links waiting for their claim (SENT, payload kept), per run and delivery key id, in run
	 * order: {@code keyshift serve} says at start when its key opens none of them.
	 */
	public List<RunPending> awaitingClaimByRun() {
		return jdbc.query("""
				select run_id, delivery_key_id, count(*)
				from token_notification
				where status = 'SENT' and payload is not null
				group by run_id, delivery_key_id
				order by run_id, coalesce(delivery_key_id, '')
				""", (rs, row) -> new RunPending(rs.getLong(1), rs.getString(2), rs.getLong(3)));
	}

	/**
	 * Up to {@code limit} pending notifications of run {@code runId} that still hold a payload and
	 * record no delivery key id (rows of the previous release), due or not, in id order: a sample to
	 * check the delivery key against before anything is sent.
	 */
	public List<Pending> sample(long runId, int limit) {
		return jdbc.query("""
				select id, user_id, email, kind, payload, attempts, last_error, created_at, run_id
				from token_notification
				where status in ('PENDING', 'UNDELIVERABLE') and run_id = ? and payload is not null
					and delivery_key_id is null
				order by id
				fetch first ? rows only
				""", NotificationStore::pending, runId, limit);
	}

	/** When the earliest pending notification that is not due at {@code now} will be; null if none. */
	public OffsetDateTime nextDueAfter(OffsetDateTime now) {
		return jdbc.query("""
				select min(next_attempt_at)
				from token_notification
				where status = 'PENDING' and next_attempt_at > ?
				""", rs -> rs.next() ? Timestamps.get(rs, 1) : null, now);
	}

	static Pending pending(ResultSet rs, int row) throws SQLException {
		return new Pending(rs.getObject(1, UUID.class), rs.getLong(2), rs.getString(3), rs.getString(4),
				rs.getString(5), rs.getInt(6), rs.getString(7), Timestamps.get(rs, 8), rs.getLong(9));
	}
}
