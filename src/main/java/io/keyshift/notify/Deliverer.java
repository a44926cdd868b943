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
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
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
	 * What a delivery did: messages sent, attempts that failed (the notification stays pending),
	 * notifications still pending, when the next one is due, whether it stopped early because the mail
	 * server kept refusing, the reason of the last failed attempt (free of secrets; null when none
	 * failed), and notifications the server refused for good in this delivery (now UNDELIVERABLE).
	 */
	public record Result(int sent, int failed, long remaining, OffsetDateTime nextDue, boolean stoppedEarly,
			String lastError, int undeliverable) {

		public Result(int sent, int failed, long remaining, OffsetDateTime nextDue, boolean stoppedEarly,
				String lastError) {
			this(sent, failed, remaining, nextDue, stoppedEarly, lastError, 0);
		}
	}

	/**
	 * How a delivery sends: {@code connections} senders at once, each over a connection of its own;
	 * at most {@code maxRate} messages per second across them (null: no limit); a throttled message
	 * is tried again after {@code throttlePause}, doubling, at most {@code throttleRetries} times in
	 * this delivery; a progress line every {@code progressEvery} to {@code say}, which also hears the
	 * one-line notice when the server throttles; each attempted notification to {@code report} (may
	 * be null).
	 */
	public record Sending(int connections, Double maxRate, Duration throttlePause, int throttleRetries,
			Duration progressEvery, Consumer<String> say, DeliveryReport report) {

		/** One sender, no pacing, no progress lines, no report: the delivery of the first release. */
		public static final Sending ONE_AT_A_TIME = new Sending(1, null, Duration.ofSeconds(1), 5,
				Duration.ofSeconds(10), line -> {
				}, null);

		public Sending {
			if (connections < 1) {
				throw new IllegalArgumentException("at least one connection");
			}
		}
	}

	/** After this many send failures in a row the mail server is taken to be down and the run stops. */
	static final int MAX_SEND_FAILURES_IN_A_ROW = 10;

	/**
	 * After this many permanent refusals in a row, with nothing accepted between them, the run stops:
	 * a server refusing every recipient (relay denied, a bad sender domain) is misconfigured, and its
	 * refusals say nothing about the users.
	 */
	static final int MAX_REFUSALS_IN_A_ROW = 10;

	/** The longest pause before a throttled message is tried again. */
	static final Duration MAX_THROTTLE_PAUSE = Duration.ofMinutes(1);

	/** What a dry run saw: notifications due now (previewed) and all still pending. */
	public record PreviewResult(int due, long pending) {
	}

	/** One previewed notification: its row's identity and the stand-in message. */
	public record Preview(UUID id, long userId, String email, String kind, int attempts, String lastError,
			RenderedMessage message) {
	}

	/** Tells a sender there is nothing more to send. */
	private static final Pending END = new Pending(null, 0, null, null, null, 0, null, null, 0);

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

	private final Sending sending;

	/** Link mode: TOKENS_ISSUED messages carry a claim link instead of the tokens; null in token mode. */
	private ClaimIssuer claimLinks;

	/** To the second, in UTC: a person reads it. */
	private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

	/**
	 * One sender, no pacing: as {@link #Deliverer(NotificationStore, MessageRenderer, DeliveryCipher,
	 * Mailer, String, Clock, TransactionTemplate, Backoff, Duration, int, Sending)} with
	 * {@link Sending#ONE_AT_A_TIME}.
	 */
	public Deliverer(NotificationStore store, MessageRenderer renderer, DeliveryCipher cipher, Mailer mailer,
			String from, Clock clock, TransactionTemplate transactions, Backoff backoff, Duration lease, int pageSize) {
		this(store, renderer, cipher, mailer, from, clock, transactions, backoff, lease, pageSize,
				Sending.ONE_AT_A_TIME);
	}

	/**
	 * @param cipher and @param mailer may be null for a deliverer that only previews
	 * @param lease how long a row is held by this deliverer while it sends; longer than the mail
	 * client's timeouts
	 */
	public Deliverer(NotificationStore store, MessageRenderer renderer, DeliveryCipher cipher, Mailer mailer,
			String from, Clock clock, TransactionTemplate transactions, Backoff backoff, Duration lease, int pageSize,
			Sending sending) {
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
		this.sending = sending;
	}

	DeliveryCipher cipher() {
		return cipher;
	}

	Mailer mailer() {
		return mailer;
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
	 * (left alone, untried: sealed under another delivery key). Before each notification a sender
	 * asks {@code stop}; once that says yes, the rest stay pending, untried.
	 *
	 * <p>This thread reads the due notifications page by page (keyset paging: memory stays flat
	 * however many there are) into a short queue; {@link Sending#connections()} sender threads take
	 * them from it, each over its own connection. A notification goes to one sender only, and each
	 * sender claims its row before it sends (the lease keeps other deliverers off it).
	 */
	public Result deliver(Set<Long> skipRuns, BooleanSupplier stop) {
		if (cipher == null || mailer == null || from == null || from.isBlank()) {
			throw new IllegalStateException("delivery needs the delivery key, a mail server and a From address");
		}
		OffsetDateTime start = now();
		Run run = new Run(store.countDue(start), System.nanoTime());
		Pacer pacer = new Pacer(sending.maxRate(), Pacer.Time.SYSTEM);
		BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(pageSize + sending.connections());
		List<Thread> senders = new ArrayList<>();
		for (int i = 1; i <= sending.connections(); i++) {
			Thread sender = new Thread(() -> send(queue, run, pacer, stop), "deliver-" + i);
			sender.setDaemon(true);
			senders.add(sender);
			sender.start();
		}
		ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
			Thread t = new Thread(r, "deliver-progress");
			t.setDaemon(true);
			return t;
		});
		long every = sending.progressEvery().toMillis();
		progress.scheduleAtFixedRate(() -> sending.say().accept(run.progressLine(pacer)), every, every,
				TimeUnit.MILLISECONDS);
		try {
			UUID after = null;
			List<Pending> page;
			do {
				page = store.due(start, after, pageSize);
				for (Pending notification : page) {
					after = notification.id();
					if (skipRuns.contains(notification.runId())) {
						continue;
					}
					if (!run.feed(queue, notification)) {
						break;
					}
				}
			}
			while (!run.halted() && page.size() == pageSize);
		}
		catch (RuntimeException ex) {
			run.crashed(ex);
		}
		finally {
			for (Thread sender : senders) {
				run.end(queue);
			}
			for (Thread sender : senders) {
				join(sender);
			}
			progress.shutdownNow();
		}
		if (run.crash.get() != null) {
			throw run.crash.get();
		}
		long remaining = store.countPending();
		OffsetDateTime nextDue = remaining == 0 ? null : store.nextDueAfter(now());
		log.debug("delivery: {} sent, {} failed, {} undeliverable, {} still pending", run.sent.get(), run.failed.get(),
				run.undeliverable.get(), remaining);
		return new Result(run.sent.get(), run.failed.get(), remaining, nextDue, run.stoppedEarly, run.lastError.get(),
				run.undeliverable.get());
	}

	/** One sender: takes notifications from the queue and sends them over its own connection. */
	private void send(BlockingQueue<Pending> queue, Run run, Pacer pacer, BooleanSupplier stop) {
		try (MailConnection connection = mailer.connect()) {
			while (true) {
				Pending notification = queue.take();
				if (notification == END) {
					return;
				}
				if (run.halted()) {
					continue;
				}
				if (stop.getAsBoolean()) {
					run.stopOnRequest();
					continue;
				}
				// while the server refuses, one sender at a time tries (a probe): the run stops after exactly
				// MAX_SEND_FAILURES_IN_A_ROW refusals, not that many plus what the other senders had in hand
				boolean probing = run.sendFailuresInARow.get() > 0;
				if (probing) {
					run.probe.lock();
				}
				try {
					if (!run.halted()) {
						run.count(deliverOne(notification, connection, pacer, run));
					}
				}
				catch (RuntimeException ex) {
					run.crashed(ex);
				}
				finally {
					if (probing) {
						run.probe.unlock();
					}
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			run.crashed(ex);
		}
	}

	private enum Attempt {

		SENT, FAILED, SEND_FAILED, UNDELIVERABLE, SKIPPED
	}

	private Attempt deliverOne(Pending n, MailConnection connection, Pacer pacer, Run run) {
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
			return failed(n, ex.getMessage(), List.of(), 1, run);
		}
		List<String> secrets = secrets(payload);
		OutgoingMessage message;
		ClaimLink link = null;
		try {
			if (claimLinks != null && "TOKENS_ISSUED".equals(n.kind())) {
				link = claimLinks.issue(n.id(), n.userId());
				secrets.add(link.code());
			}
			message = render(payload, n, link);
		}
		catch (RuntimeException ex) {
			return failed(n, "the message cannot be rendered: " + ErrorText.describe(ex, secrets), secrets, 1, run);
		}
		int tries = 0;
		while (true) {
			tries++;
			pacer.acquire();
			try {
				connection.send(message);
				break;
			}
			catch (MailerException ex) {
				String reply = ErrorText.scrub(String.valueOf(ex.getMessage()), secrets);
				switch (ex.refusal()) {
					case PERMANENT -> {
						return undeliverable(n, "the mail server refused it for good: " + reply, tries, run);
					}
					case THROTTLED -> {
						if (tries > sending.throttleRetries()) {
							failed(n, "the mail server is throttling: " + reply, secrets, tries, run);
							return Attempt.FAILED;
						}
						Double slower = pacer.slowDown();
						if (slower != null) {
							sending.say().accept("keyshift: deliver: the mail server is throttling (" + reply
									+ "): slowing down to " + Pacer.words(slower)
									+ "; refused messages are tried again shortly");
						}
						Duration pause = throttlePause(tries);
						log.info("notification {} (user {}) throttled by the mail server; trying again in {} ms",
								n.id(), n.userId(), pause.toMillis());
						OffsetDateTime later = now();
						if (!store.extendLease(n.id(), later, later.plus(pause).plus(lease))) {
							log.warn("notification {} (user {}) is no longer held by this run; left to the one holding it",
									n.id(), n.userId());
							return Attempt.SKIPPED;
						}
						sleep(pause);
					}
					default -> {
						failed(n, "the mail server did not accept the message: " + ex.getMessage(), secrets, tries, run);
						return Attempt.SEND_FAILED;
					}
				}
			}
			catch (RuntimeException ex) {
				failed(n, "the message could not be sent: " + ErrorText.describe(ex, secrets), secrets, tries, run);
				return Attempt.SEND_FAILED;
			}
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
		report(n, withLink ? "SENT" : "DELIVERED", n.attempts() + tries, null);
		return Attempt.SENT;
	}

	/**
	 * The one place a notification becomes an e-mail: what its user reads is decided by the renderer
	 * (the tokens, or in link mode a claim link instead); the engine only addresses it.
	 */
	private OutgoingMessage render(NotificationPayload payload, Pending n, ClaimLink link) {
		return renderer.render(payload, link).addressed(from, n.email());
	}

	private Duration throttlePause(int tries) {
		Duration pause = sending.throttlePause();
		for (int i = 1; i < tries && pause.compareTo(MAX_THROTTLE_PAUSE) < 0; i++) {
			pause = pause.multipliedBy(2);
		}
		return pause.compareTo(MAX_THROTTLE_PAUSE) > 0 ? MAX_THROTTLE_PAUSE : pause;
	}

	private static void sleep(Duration pause) {
		try {
			Thread.sleep(pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void join(Thread thread) {
		boolean interrupted = false;
		while (thread.isAlive()) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				interrupted = true;
			}
		}
		if (interrupted) {
			Thread.currentThread().interrupt();
		}
	}

	private void report(Pending n, String status, int attempts, String lastError) {
		if (sending.report() != null) {
			sending.report().row(n.id(), n.userId(), n.email(), n.kind(), status, attempts, lastError);
		}
	}

	/** What one delivery has done so far, shared by its senders. */
	private static final class Run {

		final AtomicInteger sent = new AtomicInteger();

		final AtomicInteger failed = new AtomicInteger();

		final AtomicInteger undeliverable = new AtomicInteger();

		final AtomicInteger sendFailuresInARow = new AtomicInteger();

		final AtomicInteger refusalsInARow = new AtomicInteger();

		final AtomicReference<String> lastError = new AtomicReference<>();

		final AtomicReference<RuntimeException> crash = new AtomicReference<>();

		final AtomicBoolean stopped = new AtomicBoolean();

		/** Held by the one sender that tries while the server refuses. */
		final ReentrantLock probe = new ReentrantLock();

		volatile boolean stoppedEarly;

		final long total;

		final long startNanos;

		Run(long total, long startNanos) {
			this.total = total;
			this.startNanos = startNanos;
		}

		boolean halted() {
			return stopped.get() || crash.get() != null;
		}

		/** Hands a notification to the senders; false once the delivery stops. */
		boolean feed(BlockingQueue<Pending> queue, Pending n) {
			try {
				while (!queue.offer(n, 100, TimeUnit.MILLISECONDS)) {
					if (halted()) {
						return false;
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				stopped.set(true);
				return false;
			}
			return !halted();
		}

		void end(BlockingQueue<Pending> queue) {
			try {
				queue.put(END);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}

		void stopOnRequest() {
			if (stopped.compareAndSet(false, true)) {
				log.info("delivery stopped on request; the rest stay pending, untried");
			}
		}

		void crashed(RuntimeException ex) {
			crash.compareAndSet(null, ex);
		}

		void count(Attempt attempt) {
			switch (attempt) {
				case SENT -> {
					sent.incrementAndGet();
					sendFailuresInARow.set(0);
					refusalsInARow.set(0);
				}
				case SEND_FAILED -> {
					failed.incrementAndGet();
					if (sendFailuresInARow.incrementAndGet() >= MAX_SEND_FAILURES_IN_A_ROW && stop()) {
						log.warn("delivery stopped: the mail server refused {} messages in a row; the rest stay"
								+ " pending, untried", MAX_SEND_FAILURES_IN_A_ROW);
					}
				}
				case FAILED -> failed.incrementAndGet();
				case UNDELIVERABLE -> {
					undeliverable.incrementAndGet();
					if (refusalsInARow.incrementAndGet() >= MAX_REFUSALS_IN_A_ROW && stop()) {
						log.warn("delivery stopped: the mail server refused {} recipients in a row for good and"
								+ " accepted none between them: check its settings (relay, sender domain); the rest"
								+ " stay pending, untried", MAX_REFUSALS_IN_A_ROW);
					}
				}
				case SKIPPED -> {
				}
			}
		}

		private boolean stop() {
			stoppedEarly = true;
			return stopped.compareAndSet(false, true);
		}

		String progressLine(Pacer pacer) {
			double seconds = Math.max(0.001, (System.nanoTime() - startNanos) / 1e9);
			int done = sent.get();
			double rate = done / seconds;
			long left = Math.max(0, total - done - failed.get() - undeliverable.get());
			String eta = rate <= 0 ? "unknown" : duration((long) Math.ceil(left / rate));
			return String.format(Locale.ROOT, "keyshift: deliver: %,d / %,d sent (%d%%), %.1f messages/s, ETA %s,"
					+ " %,d failed, %,d undeliverable%s", done, total, total == 0 ? 100 : done * 100 / total, rate, eta,
					failed.get(), undeliverable.get(),
					Double.isInfinite(pacer.rate()) ? "" : ", paced at " + Pacer.words(pacer.rate()));
		}

		private static String duration(long seconds) {
			if (seconds >= 3600) {
				return String.format(Locale.ROOT, "%dh %02dm", seconds / 3600, seconds % 3600 / 60);
			}
			if (seconds >= 60) {
				return String.format(Locale.ROOT, "%dm %02ds", seconds / 60, seconds % 60);
			}
			return seconds + "s";
		}
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

	private Attempt failed(Pending n, String error, List<String> secrets, int tries, Run run) {
		String safe = ErrorText.scrub(error, secrets);
		run.lastError.set(safe);
		int attempts = n.attempts() + tries;
		OffsetDateTime next = now().plus(backoff.after(attempts));
		store.recordFailure(n.id(), attempts, safe, next);
		log.warn("notification {} (user {}) not delivered, attempt {}: {}; next attempt after {}", n.id(), n.userId(),
				attempts, safe, WHEN.format(next));
		report(n, "PENDING", attempts, safe);
		return Attempt.FAILED;
	}

	/** The server refused it for good: UNDELIVERABLE, with the reply, until the operator retries it. */
	private Attempt undeliverable(Pending n, String error, int tries, Run run) {
		String safe = ErrorText.scrub(error, List.of());
		run.lastError.set(safe);
		int attempts = n.attempts() + tries;
		store.markUndeliverable(n.id(), attempts, safe);
		log.warn("notification {} (user {}) is undeliverable, attempt {}: {}; not tried again until deliver"
				+ " --retry-undeliverable", n.id(), n.userId(), attempts, safe);
		report(n, "UNDELIVERABLE", attempts, safe);
		return Attempt.UNDELIVERABLE;
	}

	/**
	 * Renders, for every notification due now, the message it would get, from the columns outside
	 * the payload. Decrypts nothing, sends nothing, changes nothing.
	 */
	public PreviewResult preview(Consumer<Preview> sink) {
		return preview(sink, null);
	}

	/** As {@link #preview(Consumer)}; in link mode with {@code placeholder} standing in for each link. */
	public PreviewResult preview(Consumer<Preview> sink, ClaimLink placeholder) {
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
						renderer.renderPreview(n.kind(), n.userId(), n.email(), placeholder)));
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
