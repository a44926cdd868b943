package io.keyshift.claim;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Issues the claim link a link-mode TOKENS_ISSUED message carries: a fresh 256-bit secret, stored
 * only as its digest in a new {@code token_claim} row (which kills the notification's earlier
 * links), valid for {@code keyshift.claim.ttl}. Called by the deliverer just before it renders the
 * message, so every message sent carries a link of its own; a message that then fails to send
 * leaves a link nobody has, replaced at the next attempt.
 */
public class ClaimIssuer {

	private final ClaimStore store;

	private final ClaimSettings settings;

	private final SecureRandom random;

	private final Clock clock;

	public ClaimIssuer(ClaimStore store, ClaimSettings settings, SecureRandom random, Clock clock) {
		String problem = settings.problemForLinks();
		if (problem != null) {
			throw new IllegalArgumentException(problem);
		}
		this.store = store;
		this.settings = settings;
		this.random = random;
		this.clock = clock;
	}

	/** A new link for notification {@code notificationId} of user {@code userId}. */
	public ClaimLink issue(UUID notificationId, long userId) {
		ClaimSecret secret = ClaimSecret.random(random);
		UUID claimId = UUID.randomUUID();
		OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
		OffsetDateTime expires = now.plus(settings.ttl());
		String waivedBy = store.issue(claimId, notificationId, userId, secret.digest(), now, expires);
		return new ClaimLink(claimId, settings.url(claimId, secret.reveal()), secret.reveal(), expires,
				waivedBy != null);
	}

	/**
	 * The stand-in link of a dry run: the page's address with a placeholder where each message's own
	 * link goes, no claim made and no secret; it would expire {@code keyshift.claim.ttl} from now.
	 */
	public ClaimLink placeholder() {
		OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
		return new ClaimLink(null, settings.placeholderUrl(), "[a code of its own, made when the message is sent]",
				now.plus(settings.ttl()), false);
	}

	/** The message with the link went out: the notification waits for its claim (SENT). */
	public boolean markSent(UUID notificationId) {
		return store.markSent(notificationId, OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
	}
}
