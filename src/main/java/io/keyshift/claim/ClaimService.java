package io.keyshift.claim;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import io.keyshift.job.MigrateProcessor;
import io.keyshift.notify.NotificationPayload;
import io.keyshift.token.DeliveryCipher;
import io.keyshift.token.Digests;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of a claim, apart from the web: looking at a link consumes nothing; a claim needs the
 * link's secret and the user's current legacy API key (compared by SHA-256 fingerprint, in constant
 * time), unless the operator waived the key check; wrong keys are counted and lock the claim at
 * {@code keyshift.claim.max-failures}; a successful claim decrypts the tokens, marks the notification
 * delivered (payload erased, one {@code DELIVERED} event per token) and hands them over once.
 * Every refusal is one log line, naming the claim, the user and the client, never a secret.
 */
public class ClaimService {

	private static final Logger log = LoggerFactory.getLogger(ClaimService.class);

	/** What a request to a claim comes to, with the HTTP status of its page. */
	public enum Outcome {

		/** no such link */
		UNKNOWN(404),
		/** the link works: the confirmation page */
		OPEN(200),
		EXPIRED(410),
		/** claimed already (a second visit, or a reused secret) */
		CLAIMED(410),
		/** the operator sent a newer link: this one is dead */
		REPLACED(410),
		/** too many wrong legacy keys */
		LOCKED(423),
		/** the claim code does not belong to this link */
		WRONG_CODE(403),
		WRONG_KEY(403),
		/** the tokens, shown once */
		SHOWN(200),
		/** the tokens cannot be opened here (serve was given another delivery key) */
		UNAVAILABLE(500);

		private final int status;

		Outcome(int status) {
			this.status = status;
		}

		public int status() {
			return status;
		}
	}

	/**
	 * The answer to a request: its outcome, the claim (null when unknown), the tokens (only when
	 * SHOWN) and the wrong keys still allowed before the claim locks.
	 */
	public record Answer(Outcome outcome, ClaimStore.Claim claim, List<NotificationPayload.TokenEntry> tokens,
			int triesLeft) {

		@Override
		public String toString() {
			return "Answer[outcome=" + outcome + ", tokens=" + (tokens == null ? 0 : tokens.size()) + "]";
		}
	}

	private final ClaimStore store;

	private final DeliveryCipher cipher;

	private final ClaimSettings settings;

	private final Clock clock;

	public ClaimService(ClaimStore store, DeliveryCipher cipher, ClaimSettings settings, Clock clock) {
		this.store = store;
		this.cipher = cipher;
		this.settings = settings;
		this.clock = clock;
	}

	/** A GET: what the link's page says. Changes nothing. */
	public Answer look(UUID claimId) {
		ClaimStore.Claim claim = claimId == null ? null : store.find(claimId);
		if (claim == null) {
			return new Answer(Outcome.UNKNOWN, null, null, 0);
		}
		return new Answer(state(claim, now()), claim, null, triesLeft(claim));
	}

	/**
	 * A POST: the claim code and the legacy key the user gave. {@code client} names the client in log
	 * lines (its address).
	 */
	public Answer claim(UUID claimId, String code, String legacyKey, String client) {
		OffsetDateTime now = now();
		ClaimStore.Claim claim = claimId == null ? null : store.find(claimId);
		if (claim == null) {
			refused("no such claim link", claimId, null, client);
			return new Answer(Outcome.UNKNOWN, null, null, 0);
		}
		Outcome state = state(claim, now);
		if (state != Outcome.OPEN) {
			refused(describe(state), claimId, claim, client);
			return new Answer(state, claim, null, 0);
		}
		if (code == null || code.isBlank() || !ClaimSecret.of(code).matches(claim.secretDigest())) {
			refused("wrong claim code", claimId, claim, client);
			return new Answer(Outcome.WRONG_CODE, claim, null, triesLeft(claim));
		}
		if (claim.keyCheckWaivedBy() == null && !isCurrentKey(claim.userId(), legacyKey)) {
			ClaimStore.Claim after = store.recordWrongKey(claimId, settings.maxFailures(), now);
			if (after == null) {
				ClaimStore.Claim changed = store.find(claimId);
				Outcome now2 = state(changed, now);
				refused(describe(now2), claimId, changed, client);
				return new Answer(now2, changed, null, 0);
			}
			if ("LOCKED".equals(after.state())) {
				log.warn("claim refused: wrong legacy key, failure {} of {}: the claim is locked until the operator"
						+ " reissues it (claim {}, user {}, client {})", after.failures(), settings.maxFailures(),
						claimId, claim.userId(), client);
				return new Answer(Outcome.LOCKED, after, null, 0);
			}
			refused("wrong legacy key, failure " + after.failures() + " of " + settings.maxFailures(), claimId, claim,
					client);
			return new Answer(Outcome.WRONG_KEY, after, null, triesLeft(after));
		}
		ClaimStore.Sealed sealed = store.sealed(claim.notificationId());
		if (sealed == null || sealed.sealedPayload() == null || "DELIVERED".equals(sealed.status())) {
			refused("the tokens were delivered already", claimId, claim, client);
			return new Answer(Outcome.CLAIMED, claim, null, 0);
		}
		NotificationPayload payload = open(sealed);
		if (payload == null) {
			log.error("claim refused: this server's delivery key does not open notification {} (claim {}, user {},"
					+ " client {}): start keyshift serve with the key migrate sealed it with", sealed.id(), claimId,
					claim.userId(), client);
			return new Answer(Outcome.UNAVAILABLE, claim, null, 0);
		}
		if (!store.complete(claim, now)) {
			ClaimStore.Claim changed = store.find(claimId);
			Outcome now2 = state(changed, now);
			refused(describe(now2) + " (by a request at the same time)", claimId, changed, client);
			return new Answer(now2 == Outcome.OPEN ? Outcome.CLAIMED : now2, changed, null, 0);
		}
		log.info("claim {}: the {} of user {} shown once and marked delivered (notification {}, client {}{})", claimId,
				payload.tokens().size() == 1 ? "token" : payload.tokens().size() + " tokens", claim.userId(),
				claim.notificationId(), client,
				claim.keyCheckWaivedBy() == null ? "" : ", key check waived by " + claim.keyCheckWaivedBy());
		return new Answer(Outcome.SHOWN, store.find(claimId), payload.tokens(), 0);
	}

	private boolean isCurrentKey(long userId, String legacyKey) {
		if (legacyKey == null || legacyKey.isBlank() || legacyKey.length() > 10_000) {
			return false;
		}
		String typed = legacyKey.strip();
		boolean match = false;
		for (String fingerprint : store.currentKeyFingerprints(userId)) {
			// every fingerprint is compared, each in constant time: no early exit to time
			match |= Digests.matches(typed, fingerprint);
		}
		return match;
	}

	private NotificationPayload open(ClaimStore.Sealed sealed) {
		byte[] json = null;
		try {
			json = cipher.decrypt(Base64.getDecoder().decode(sealed.sealedPayload()),
					MigrateProcessor.associatedData(sealed.id(), sealed.userId()));
			NotificationPayload payload = NotificationPayload.fromJson(json);
			if (payload.userId() != sealed.userId() || payload.tokens() == null || payload.tokens().isEmpty()) {
				return null;
			}
			return payload;
		}
		catch (RuntimeException ex) {
			return null;
		}
		finally {
			if (json != null) {
				Arrays.fill(json, (byte) 0);
			}
		}
	}

	private int triesLeft(ClaimStore.Claim claim) {
		return Math.max(0, settings.maxFailures() - claim.failures());
	}

	private static Outcome state(ClaimStore.Claim claim, OffsetDateTime now) {
		return switch (claim.state()) {
			case "CLAIMED" -> Outcome.CLAIMED;
			case "LOCKED" -> Outcome.LOCKED;
			case "REPLACED" -> Outcome.REPLACED;
			default -> claim.expired(now) ? Outcome.EXPIRED : Outcome.OPEN;
		};
	}

	private static String describe(Outcome outcome) {
		return switch (outcome) {
			case CLAIMED -> "claimed already";
			case LOCKED -> "locked after too many wrong legacy keys";
			case REPLACED -> "the link was replaced by a newer one";
			case EXPIRED -> "the link expired";
			default -> outcome.name().toLowerCase(java.util.Locale.ROOT);
		};
	}

	private static void refused(String why, UUID claimId, ClaimStore.Claim claim, String client) {
		log.info("claim refused: {} (claim {}, user {}, client {})", why, claimId,
				claim == null ? "unknown" : claim.userId(), client);
	}

	private OffsetDateTime now() {
		return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
	}
}
