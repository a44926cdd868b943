package io.keyshift.claim;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.keyshift.store.Actor;
import io.keyshift.store.NotificationStore.Pending;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * SQL of the claim links: {@code token_claim} rows, and the link-mode states of
 * {@code token_notification} (PENDING, SENT: the message with the link went out, DELIVERED: the user
 * claimed the tokens). Every change is guarded by the state it leaves, so two requests at once
 * cannot both claim, and a claim that was replaced, locked or claimed stays so.
 */
public class ClaimStore {

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	public ClaimStore(JdbcTemplate jdbc, TransactionTemplate transactions) {
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	/** A claim row. {@code secretDigest} is the SHA-256 of the link's secret, never the secret. */
	public record Claim(UUID id, UUID notificationId, long userId, String secretDigest, String state,
			OffsetDateTime createdAt, OffsetDateTime expiresAt, int failures, OffsetDateTime claimedAt,
			OffsetDateTime lockedAt, OffsetDateTime replacedAt, String keyCheckWaivedBy) {

		public boolean expired(OffsetDateTime now) {
			return "OPEN".equals(state) && !expiresAt.isAfter(now);
		}
	}

	/** The payload of a notification to claim, and its identity (the payload's associated data). */
	public record Sealed(UUID id, long userId, String kind, String status, String sealedPayload) {

		@Override
		public String toString() {
			return "Sealed[id=" + id + ", userId=" + userId + ", status=" + status + "]";
		}
	}

	/**
	 * Records a new link for a notification and kills its earlier ones (REPLACED), in one
	 * transaction. The operator's key check waiver of the notification, if any, goes with it.
	 * Returns the waiver (null when the key check applies).
	 */
	public String issue(UUID claimId, UUID notificationId, long userId, String secretDigest, OffsetDateTime now,
			OffsetDateTime expiresAt) {
		return transactions.execute(status -> {
			jdbc.update("""
					update token_claim set state = 'REPLACED', replaced_at = ?
					where notification_id = ? and state in ('OPEN', 'LOCKED')""", now, notificationId);
			String waivedBy = jdbc.query(
					"select claim_key_check_waived_by from token_notification where id = ?",
					rs -> rs.next() ? rs.getString(1) : null, notificationId);
			jdbc.update("""
					insert into token_claim (id, notification_id, user_id, secret_digest, state, created_at, expires_at,
					                         failures, key_check_waived_by)
					values (?, ?, ?, ?, 'OPEN', ?, ?, 0, ?)""", claimId, notificationId, userId, secretDigest, now,
					expiresAt, waivedBy);
			return waivedBy;
		});
	}

	/**
	 * The message with the link was accepted by the mail server: the notification is SENT, its
	 * payload stays (the page decrypts it when the user claims). False when it was not pending any more.
	 */
	public boolean markSent(UUID notificationId, OffsetDateTime now) {
		return jdbc.update("""
				update token_notification
				set status = 'SENT', sent_at = ?, next_attempt_at = null, last_error = null
				where id = ? and status = 'PENDING'""", now, notificationId) == 1;
	}

	public Claim find(UUID claimId) {
		List<Claim> found = jdbc.query("""
				select id, notification_id, user_id, secret_digest, state, created_at, expires_at, failures,
				       claimed_at, locked_at, replaced_at, key_check_waived_by
				from token_claim where id = ?""", ClaimStore::claim, claimId);
		return found.isEmpty() ? null : found.get(0);
	}

	public Sealed sealed(UUID notificationId) {
		List<Sealed> found = jdbc.query("""
				select id, user_id, kind, status, payload from token_notification where id = ?""",
				(rs, row) -> new Sealed(rs.getObject(1, UUID.class), rs.getLong(2), rs.getString(3), rs.getString(4),
						rs.getString(5)),
				notificationId);
		return found.isEmpty() ? null : found.get(0);
	}

	/**
	 * The fingerprints of the user's current legacy key: the most recently created of the keys the
	 * runs recorded for them (a key the user regenerated replaces the older one). Usually one.
	 */
	public List<String> currentKeyFingerprints(long userId) {
		return jdbc.queryForList("""
				select fingerprint from legacy_api_key
				where user_id = ? and created_at = (select max(created_at) from legacy_api_key where user_id = ?)""",
				String.class, userId, userId);
	}

	/**
	 * Counts a wrong legacy key; at {@code maxFailures} the claim locks. Returns the claim after the
	 * change (null if it was not OPEN any more).
	 */
	public Claim recordWrongKey(UUID claimId, int maxFailures, OffsetDateTime now) {
		int changed = jdbc.update("""
				update token_claim
				set failures = failures + 1,
				    state = case when failures + 1 >= ? then 'LOCKED' else state end,
				    locked_at = case when failures + 1 >= ? then ? else locked_at end
				where id = ? and state = 'OPEN'""", maxFailures, maxFailures, now, claimId);
		return changed == 1 ? find(claimId) : null;
	}

	/**
	 * The user claimed the tokens: the claim is CLAIMED, the notification DELIVERED with its payload
	 * erased, and each token it carried gets its {@code token_event} DELIVERED, in one transaction.
	 * False (nothing changed) when the claim was not OPEN and unexpired any more, or the notification
	 * was delivered already: another request got there first.
	 */
	public boolean complete(Claim claim, OffsetDateTime now) {
		Boolean done = transactions.execute(status -> {
			int claimed = jdbc.update("""
					update token_claim set state = 'CLAIMED', claimed_at = ?
					where id = ? and state = 'OPEN' and expires_at > ?""", now, claim.id(), now);
			if (claimed != 1) {
				return false;
			}
			int delivered = jdbc.update("""
					update token_notification
					set status = 'DELIVERED', payload = null, delivered_at = ?, next_attempt_at = null
					where id = ? and status in ('PENDING', 'SENT') and payload is not null""", now,
					claim.notificationId());
			if (delivered != 1) {
				status.setRollbackOnly();
				return false;
			}
			jdbc.update("""
					insert into token_event (token_id, run_id, event, reason, occurred_at, actor)
					select t.id, n.run_id, 'DELIVERED', 'CLAIMED', ?, ?
					from token_notification n
					join personal_access_token t on t.user_id = n.user_id and t.run_id = n.run_id
					where n.id = ?""", now, Actor.thisProcess(), claim.notificationId());
			return true;
		});
		return Boolean.TRUE.equals(done);
	}

	/**
	 * What {@link #reissue} did with one notification of a user ({@code notificationId} null for
	 * NONE and CLAIMED, which name no unclaimed one). {@code due}: when a NOT_DUE one is due.
	 */
	public record Reissue(long userId, UUID notificationId, String outcome, OffsetDateTime due) {

		/** Whether the notification was changed (put back in the queue for a fresh link). */
		public boolean changed() {
			return List.of("REISSUED", "QUEUED", "RETRIED").contains(outcome);
		}
	}

	/**
	 * The unclaimed TOKENS_ISSUED notifications of these users that hold a payload (PENDING, SENT or
	 * UNDELIVERABLE), as deliver reads them: what {@link #reissue} may put back in the queue, for the
	 * delivery key to be tried on first.
	 */
	public List<Pending> unclaimed(List<Long> userIds) {
		List<Pending> out = new ArrayList<>();
		for (long userId : userIds) {
			out.addAll(jdbc.query("""
					select id, user_id, email, kind, payload, attempts, last_error, created_at, run_id
					from token_notification
					where user_id = ? and kind = 'TOKENS_ISSUED' and status <> 'DELIVERED' and payload is not null
					order by created_at, id""", ClaimStore::pending, userId));
		}
		return out;
	}

	/**
	 * Puts every unclaimed TOKENS_ISSUED notification of each user that holds a payload back in the
	 * queue for a fresh link, each in its own transaction: its open or locked claims die at once
	 * (REPLACED), and the next {@code deliver} sends a new link. {@code waivedBy}: the operator who
	 * waives the legacy key check for those links (null: the check applies). Outcomes, one per
	 * notification: REISSUED (its link had been sent), QUEUED (still pending and due), RETRIED (it was
	 * UNDELIVERABLE: pending again, like {@code --retry-undeliverable}), NOT_DUE (pending, but leased
	 * by a deliver sending it now or waiting for its retry: left alone, the lease is not broken),
	 * BUSY (it changed while this ran: left alone); or, for a user with none, CLAIMED (tokens
	 * claimed already) or NONE (no such notification).
	 */
	public List<Reissue> reissue(List<Long> userIds, String waivedBy, OffsetDateTime now) {
		List<Reissue> out = new ArrayList<>();
		for (long userId : userIds) {
			List<Pending> unclaimed = unclaimed(List.of(userId));
			if (unclaimed.isEmpty()) {
				Long claimed = jdbc.queryForObject("""
						select count(*) from token_notification
						where user_id = ? and kind = 'TOKENS_ISSUED' and status = 'DELIVERED'""", Long.class, userId);
				out.add(new Reissue(userId, null, claimed != null && claimed > 0 ? "CLAIMED" : "NONE", null));
			}
			for (Pending n : unclaimed) {
				out.add(transactions.execute(status -> reissueOne(n, waivedBy, now)));
			}
		}
		return out;
	}

	private Reissue reissueOne(Pending n, String waivedBy, OffsetDateTime now) {
		String status = jdbc.queryForObject("select status from token_notification where id = ?", String.class,
				n.id());
		OffsetDateTime due = jdbc.queryForObject("select next_attempt_at from token_notification where id = ?",
				(rs, i) -> time(rs, 1), n.id());
		int changed;
		String outcome;
		if ("SENT".equals(status)) {
			outcome = "REISSUED";
			changed = jdbc.update("""
					update token_notification
					set status = 'PENDING', attempts = 0, last_error = null, next_attempt_at = null,
					    claim_key_check_waived_by = ?
					where id = ? and status = 'SENT'""", waivedBy, n.id());
		}
		else if ("UNDELIVERABLE".equals(status)) {
			// as --retry-undeliverable: attempts and the server's last reply stay as a record
			outcome = "RETRIED";
			changed = jdbc.update("""
					update token_notification
					set status = 'PENDING', next_attempt_at = null, claim_key_check_waived_by = ?
					where id = ? and status = 'UNDELIVERABLE'""", waivedBy, n.id());
		}
		else if ("PENDING".equals(status) && due != null && due.isAfter(now)) {
			// a deliver holds its lease (or it waits for its retry): breaking that could send it twice
			return new Reissue(n.userId(), n.id(), "NOT_DUE", due);
		}
		else {
			outcome = "QUEUED";
			changed = jdbc.update("""
					update token_notification
					set attempts = 0, last_error = null, claim_key_check_waived_by = ?
					where id = ? and status = 'PENDING' and (next_attempt_at is null or next_attempt_at <= ?)""",
					waivedBy, n.id(), now);
		}
		if (changed != 1) {
			return new Reissue(n.userId(), n.id(), "BUSY", null);
		}
		jdbc.update("""
				update token_claim set state = 'REPLACED', replaced_at = ?
				where notification_id = ? and state in ('OPEN', 'LOCKED')""", now, n.id());
		return new Reissue(n.userId(), n.id(), outcome, null);
	}

	/**
	 * The SENT notifications whose links expired unclaimed, as deliver reads them: what
	 * {@link #reissueExpired} puts back in the queue, for the delivery key to be tried on first.
	 */
	public List<Pending> expiredUnclaimed(OffsetDateTime now) {
		return jdbc.query("""
				select n.id, n.user_id, n.email, n.kind, n.payload, n.attempts, n.last_error, n.created_at, n.run_id
				from token_notification n
				where n.status = 'SENT'
				  and not exists (select 1 from token_claim c
				                  where c.notification_id = n.id
				                    and (c.state = 'LOCKED' or (c.state = 'OPEN' and c.expires_at > ?)))
				order by n.id""", ClaimStore::pending, now);
	}

	/**
	 * Puts every SENT notification whose link expired unclaimed back in the queue for a fresh link
	 * ({@code deliver --reissue-expired}). Returns how many.
	 */
	public int reissueExpired(OffsetDateTime now) {
		Integer count = transactions.execute(status -> {
			List<UUID> ids = jdbc.queryForList("""
					select n.id from token_notification n
					where n.status = 'SENT'
					  and not exists (select 1 from token_claim c
					                  where c.notification_id = n.id
					                    and (c.state = 'LOCKED' or (c.state = 'OPEN' and c.expires_at > ?)))""",
					UUID.class, now);
			for (UUID id : ids) {
				jdbc.update("""
						update token_claim set state = 'REPLACED', replaced_at = ?
						where notification_id = ? and state = 'OPEN'""", now, id);
				jdbc.update("""
						update token_notification
						set status = 'PENDING', attempts = 0, last_error = null, next_attempt_at = null
						where id = ? and status = 'SENT'""", id);
			}
			return ids.size();
		});
		return count == null ? 0 : count;
	}

	/** How many notifications wait for their claim (SENT), and of those how many links expired. */
	public record Waiting(long sent, long expired, long locked) {
	}

	public Waiting waiting(OffsetDateTime now) {
		return jdbc.query("""
				select count(*),
				       sum(case when exists (select 1 from token_claim c where c.notification_id = n.id
				                             and c.state = 'OPEN' and c.expires_at <= ?) then 1 else 0 end),
				       sum(case when exists (select 1 from token_claim c where c.notification_id = n.id
				                             and c.state = 'LOCKED') then 1 else 0 end)
				from token_notification n where n.status = 'SENT'""",
				rs -> {
					rs.next();
					return new Waiting(rs.getLong(1), rs.getLong(2), rs.getLong(3));
				}, now);
	}

	private static Pending pending(ResultSet rs, int row) throws SQLException {
		return new Pending(rs.getObject(1, UUID.class), rs.getLong(2), rs.getString(3), rs.getString(4),
				rs.getString(5), rs.getInt(6), rs.getString(7), time(rs, 8), rs.getLong(9));
	}

	private static OffsetDateTime time(ResultSet rs, int column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return value == null ? null : value.withOffsetSameInstant(java.time.ZoneOffset.UTC);
	}

	static Claim claim(ResultSet rs, int row) throws SQLException {
		return new Claim(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getLong(3), rs.getString(4),
				rs.getString(5), time(rs, 6), time(rs, 7), rs.getInt(8), time(rs, 9),
				time(rs, 10), time(rs, 11), rs.getString(12));
	}
}
