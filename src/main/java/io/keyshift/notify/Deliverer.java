package io.keyshift.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import io.keyshift.claim.ClaimIssuer;
import io.keyshift.claim.ClaimLink;
import io.keyshift.job.MigrateProcessor;
import io.keyshift.store.NotificationStore;
import io.keyshift.store.NotificationStore.Pending;
import io.keyshift.token.DeliveryCipher;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * Delivers the pending notifications that are due: for each, it takes the row for a short lease,
 * decrypts the payload just before sending, renders and sends the message, then marks the row
 * DELIVERED and erases the ciphertext in one transaction. A notification that cannot be decrypted
 * (wrong delivery key, damaged payload) or sent (mail server down, address refused) stays PENDING
 * with its payload: the attempt is counted, the reason kept in {@code last_error} (never a secret)
 * and the next try is due after an exponential {@link Backoff}. Nothing is lost and a rerun
 * continues where this one stopped.
 *
 * <p><b>At least once.</b> Sending and marking cannot be one atomic step: if the process dies, or
 * the database fails, after the mail server accepted a message and before its row is marked, the
 * row is still PENDING and the next run (once the lease is over) sends the same message again. The
 * user may then get the same e-mail twice; the token in both is the same, and valid. The reverse
 * never happens: a row is marked delivered only after the server accepted its message, and a
 * DELIVERED row is never sent again (every change is guarded by {@code status = 'PENDING'}).
 *
 * <p><b>Secrets.</b> Token values and payload plaintext exist only in memory between decryption and
 * sending. They are never logged, never put in an exception message, and scrubbed from any error
 * text stored in {@code last_error}. Log lines name the notification id and user id only.
 *
 * <p>{@link #preview} is the dry run: it renders what would be sent from the columns outside the
 * payload, without decrypting, sending or changing anything; it needs neither cipher nor mailer.
 */
public class Deliverer {

	private static final Logger log = LoggerFactory.getLogger(Deliverer.class);

	/**
	 * What a delivery did: messages sent, attempts that failed, notifications still pending, when the
	 * next one is due, whether it stopped early because the mail server kept refusing, and the
	 * reason of the last failed attempt (free of secrets; null when none failed).
	 */
	public record Result(int sent, int failed, long remaining, OffsetDateTime nextDue, boolean stoppedEarly,
			String lastError) {
	}

	/** After this many send failures in a row the mail server is taken to be down and the run stops. */
	static final int MAX_SEND_FAILURES_IN_A_ROW = 10;

	/** What a dry run saw: notifications due now (previewed) and all still pending. */
	public record PreviewResult(int due, long pending) {
	}

	/** One previewed notification: its row's identity and the stand-in message. */
	public record Preview(UUID id, long userId, String email, String kind, int attempts, String lastError,
			RenderedMessage message) {
	}

	private final NotificationStore store;

	private final MessageRenderer renderer;

	private final DeliveryCipher cipher;

	private final Mailer mailer;

	private final String from;

	private final Clock clock;

	private final TransactionTemplate transactions;

	private final Backoff backoff;

	private final Duration lease;

	private final int pageSize;

	/** Link mode: TOKENS_ISSUED messages carry a claim link instead of the tokens; null in token mode. */
	private ClaimIssuer claimLinks;

	/** The reason of the last failed attempt of the current delivery. */
	private String lastError;

	/** To the second, in UTC: a person reads it. */
	private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

	/**
	 * @param cipher and @param mailer may be null for a deliverer that only previews
	 * @param lease how long a row is held by this deliverer while it sends; longer than the mail
	 * client's timeouts
	 */
	public Deliverer(NotificationStore store, MessageRenderer renderer, DeliveryCipher cipher, Mailer mailer,
			String from, Clock clock, TransactionTemplate transactions, Backoff backoff, Duration lease, int pageSize) {
		if (pageSize < 1) {
			throw new IllegalArgumentException("page size must be positive");
		}
		this.store = store;
		this.renderer = renderer;
		this.cipher = cipher;
		this.mailer = mailer;
		this.from = from;
		this.clock = clock;
		this.transactions = transactions;
		this.backoff = backoff;
		this.lease = lease;
		this.pageSize = pageSize;
	}

	/**
	 * Link mode: each TOKENS_ISSUED message carries a fresh claim link instead of the tokens, and once
	 * sent its notification is SENT (payload kept for the claim page), not DELIVERED.
	 */
	public Deliverer withClaimLinks(ClaimIssuer issuer) {
		this.claimLinks = issuer;
		return this;
	}

	/** Sends every notification due now, once each. */
	public Result deliver() {
		return deliver(Set.of(), () -> false);
	}

	/**
	 * Sends every notification due now, once each, except those of the runs in {@code skipRuns}
	 * (left alone, untried: sealed under another delivery key). Before each notification it asks
	 * {@code stop}; once that says yes, the rest stay pending, untried.
	 */
	public Result deliver(Set<Long> skipRuns, BooleanSupplier stop) {
		if (cipher == null || mailer == null || from == null || from.isBlank()) {
			throw new IllegalStateException("delivery needs the delivery key, a mail server and a From address");
		}
		OffsetDateTime start = now();
		int sent = 0;
		int failed = 0;
		int sendFailuresInARow = 0;
		boolean stopped = false;
		lastError = null;
		UUID after = null;
		List<Pending> page;
		do {
			page = store.due(start, after, pageSize);
			for (Pending notification : page) {
				after = notification.id();
				if (skipRuns.contains(notification.runId())) {
					continue;
				}
				if (stop.getAsBoolean()) {
					stopped = true;
					log.info("delivery stopped on request; the rest stay pending, untried");
					break;
				}
				switch (deliverOne(notification)) {
					case SENT -> {
						sent++;
						sendFailuresInARow = 0;
					}
					case SEND_FAILED -> {
						failed++;
						sendFailuresInARow++;
					}
					case FAILED -> failed++;
					case SKIPPED -> {
					}
				}
				if (sendFailuresInARow >= MAX_SEND_FAILURES_IN_A_ROW) {
					stopped = true;
					log.warn("delivery stopped: the mail server refused {} messages in a row; the rest stay pending,"
							+ " untried", sendFailuresInARow);
					break;
				}
			}
		}
		while (!stopped && page.size() == pageSize);
		long remaining = store.countPending();
		OffsetDateTime nextDue = remaining == 0 ? null : store.nextDueAfter(now());
		log.debug("delivery: {} sent, {} failed, {} still pending", sent, failed, remaining);
		return new Result(sent, failed, remaining, nextDue, sendFailuresInARow >= MAX_SEND_FAILURES_IN_A_ROW, lastError);
	}

	private enum Attempt {

		SENT, FAILED, SEND_FAILED, SKIPPED
	}

	private Attempt deliverOne(Pending n) {
		OffsetDateTime now = now();
		if (!store.claim(n.id(), now, now.plus(lease))) {
			log.info("notification {} (user {}) was taken or delivered by another run; skipped", n.id(), n.userId());
			return Attempt.SKIPPED;
		}
		NotificationPayload payload;
		try {
			payload = open(n);
		}
		catch (RuntimeException ex) {
			// open() throws only messages of its own, free of payload content
			return failed(n, ex.getMessage(), List.of());
		}
		List<String> secrets = secrets(payload);
		OutgoingMessage message;
		ClaimLink link = null;
		try {
			if (claimLinks != null && "TOKENS_ISSUED".equals(n.kind())) {
				link = claimLinks.issue(n.id(), n.userId());
				secrets.add(link.code());
			}
			message = renderer.render(payload, link).addressed(from, n.email());
		}
		catch (RuntimeException ex) {
			return failed(n, "the message cannot be rendered: " + ErrorText.describe(ex, secrets), secrets);
		}
		try {
			mailer.send(message);
		}
		catch (MailerException ex) {
			failed(n, "the mail server did not accept the message: " + ex.getMessage(), secrets);
			return Attempt.SEND_FAILED;
		}
		catch (RuntimeException ex) {
			failed(n, "the message could not be sent: " + ErrorText.describe(ex, secrets), secrets);
			return Attempt.SEND_FAILED;
		}
		boolean withLink = link != null;
		Boolean marked = transactions.execute(
				status -> withLink ? claimLinks.markSent(n.id()) : store.markDelivered(n.id(), now()));
		if (Boolean.TRUE.equals(marked)) {
			log.info(withLink ? "notification {} sent to user {} with a claim link" : "notification {} delivered to user {}",
					n.id(), n.userId());
		}
		else {
			log.warn("notification {} (user {}) was sent, but another run had already marked it delivered:"
					+ " the user may have received it twice", n.id(), n.userId());
		}
		return Attempt.SENT;
	}

	/**
	 * Base64, then AES-GCM bound to this row, then JSON. Each failure is described in words of our
	 * own: a parser's message could quote the plaintext.
	 */
	private NotificationPayload open(Pending n) {
		if (n.sealedPayload() == null) {
			throw new IllegalStateException("the payload is missing (erased, but the notification is still PENDING)");
		}
		byte[] sealed;
		try {
			sealed = Base64.getDecoder().decode(n.sealedPayload());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalStateException("the payload is not valid base64");
		}
		byte[] json;
		try {
			json = cipher.decrypt(sealed, MigrateProcessor.associatedData(n.id(), n.userId()));
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("the payload cannot be decrypted: wrong delivery key, or the payload was"
					+ " damaged or moved from another notification");
		}
		NotificationPayload payload;
		try {
			payload = NotificationPayload.fromJson(json);
		}
		catch (RuntimeException ex) {
			throw new IllegalStateException("the decrypted payload is not a notification payload");
		}
		finally {
			Arrays.fill(json, (byte) 0);
		}
		if (payload.userId() != n.userId() || !n.kind().equals(payload.kind())) {
			throw new IllegalStateException("the payload does not belong to this notification (user or kind differ)");
		}
		return payload;
	}

	/**
	 * Whether this deliverer's key opens {@code n}'s payload (decrypted, checked, and dropped at
	 * once): the check that the operator gave the key migrate sealed the notifications with.
	 */
	public boolean opens(Pending n) {
		if (cipher == null) {
			throw new IllegalStateException("a deliverer without a delivery key opens nothing");
		}
		try {
			open(n);
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private Attempt failed(Pending n, String error, List<String> secrets) {
		String safe = ErrorText.scrub(error, secrets);
		lastError = safe;
		int attempts = n.attempts() + 1;
		OffsetDateTime next = now().plus(backoff.after(attempts));
		store.recordFailure(n.id(), attempts, safe, next);
		log.warn("notification {} (user {}) not delivered, attempt {}: {}; next attempt after {}", n.id(), n.userId(),
				attempts, safe, WHEN.format(next));
		return Attempt.FAILED;
	}

	/**
	 * Renders, for every notification due now, the message it would get, from the columns outside
	 * the payload. Decrypts nothing, sends nothing, changes nothing.
	 */
	public PreviewResult preview(Consumer<Preview> sink) {
		OffsetDateTime start = now();
		int due = 0;
		UUID after = null;
		List<Pending> page;
		do {
			page = store.due(start, after, pageSize);
			for (Pending n : page) {
				after = n.id();
				due++;
				sink.accept(new Preview(n.id(), n.userId(), n.email(), n.kind(), n.attempts(), n.lastError(),
						renderer.renderPreview(n.kind(), n.userId(), n.email())));
			}
		}
		while (page.size() == pageSize);
		return new PreviewResult(due, store.countPending());
	}

	private static List<String> secrets(NotificationPayload payload) {
		List<String> out = new ArrayList<>();
		if (payload.tokens() != null) {
			payload.tokens().forEach(t -> out.add(t.token()));
		}
		return out;
	}

	private OffsetDateTime now() {
		return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
	}
}
