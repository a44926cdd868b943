package io.keyshift.notify;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.keyshift.claim.ClaimIssuer;
import io.keyshift.claim.ClaimLink;
import io.keyshift.claim.LinkDelivery;
import io.keyshift.store.H2Commits;
import io.keyshift.store.NotificationStore;
import io.keyshift.store.NotificationStore.Pending;
import io.keyshift.store.NotificationStore.RunPending;
import io.keyshift.token.DeliveryCipher;
import io.keyshift.token.DeliveryKey;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code keyshift deliver [--dry-run] [--delivery-key-file F]}: sends the pending notifications
 * that are due, or (dry run) shows what would be sent without the key, the mail server or any
 * change. Returns the process exit code: 0 nothing is left pending (or nothing was), 1 some
 * notifications are still pending after this run (run deliver again) or UNDELIVERABLE (refused for
 * good: fix their addresses, then deliver --retry-undeliverable), 2 bad usage: no key, a key
 * that opens none of the pending notifications (or not the ones to reissue, in link mode), no mail
 * server, no From address, no claim base URL in link mode (a dry run too); nothing sent or changed.
 *
 * <p>Before anything is sent the key is tried on a few pending notifications of each run: a key
 * that opens none of them is refused at once (not turned into one failed attempt per notification,
 * each with its backoff), and the notifications of a run whose samples it does not open are left
 * alone, untried, with a message naming the run.
 */
public class DeliveryCommand {

	public static final int OK = 0;

	public static final int FAILED = 1;

	public static final int USAGE = 2;

	/** Pending notifications per run the delivery key is tried on before anything is sent. */
	static final int KEY_SAMPLES_PER_RUN = 3;

	static final String PLAIN_TEXT_WARNING = "keyshift: warning: no STARTTLS or SMTPS is configured: the tokens"
			+ " go to the mail server unencrypted. Set spring.mail.properties.mail.smtp.starttls.enable=true and"
			+ " keyshift.mail.require-tls=true to refuse to send without TLS.";

	static final String PLAIN_TEXT_LINKS_WARNING = "keyshift: warning: no STARTTLS or SMTPS is configured: the"
			+ " claim links go to the mail server unencrypted (the legacy key check still guards them). Set"
			+ " spring.mail.properties.mail.smtp.starttls.enable=true and keyshift.mail.require-tls=true to refuse to"
			+ " send without TLS.";

	/** How many times a throttled message is tried again within one delivery before it waits its backoff. */
	static final int THROTTLE_RETRIES = 5;

	private static final Logger log = LoggerFactory.getLogger(DeliveryCommand.class);

	private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

	private final NotificationStore store;

	private final Supplier<JavaMailSender> mailSender;

	private final PlatformTransactionManager transactionManager;

	private final MailSettings settings;

	private final Clock clock;

	/** Database connections the delivery needs at once (senders, and one to read): the pool grows to fit. */
	private final java.util.function.IntConsumer databaseConnections;

	/** Link mode: the claim links, their settings and the reissues asked for; null in token mode. */
	private LinkDelivery claimLinks;

	/** Token mode: the warning printed before sending. */
	private String tokenModeWarning;

	/** The claim links of the delivery going on (null in token mode). */
	private ClaimIssuer activeLinks;

	/** The senders of the delivery going on: the configured connections, one on embedded H2. */
	private int senders;

	public DeliveryCommand(NotificationStore store, Supplier<JavaMailSender> mailSender,
			PlatformTransactionManager transactionManager, MailSettings settings, Clock clock) {
		this(store, mailSender, transactionManager, settings, clock, connections -> {
		});
	}

	public DeliveryCommand(NotificationStore store, Supplier<JavaMailSender> mailSender,
			PlatformTransactionManager transactionManager, MailSettings settings, Clock clock,
			java.util.function.IntConsumer databaseConnections) {
		this.databaseConnections = databaseConnections;
		this.store = store;
		this.mailSender = mailSender;
		this.transactionManager = transactionManager;
		this.settings = settings;
		this.clock = clock;
		this.senders = settings.connections();
	}

	/**
	 * Link mode: TOKENS_ISSUED messages carry a claim link instead of the tokens; its settings are
	 * checked once the mail settings are (unusable: exit 2), in a dry run too. The links the operator
	 * asked to reissue are reissued only after the delivery key was found to open them.
	 */
	public DeliveryCommand withClaimLinks(LinkDelivery links) {
		this.claimLinks = links;
		return this;
	}

	/** Token mode: the tokens go in the e-mails; {@code warning} is printed before sending. */
	public DeliveryCommand inTokenMode(String warning) {
		this.tokenModeWarning = warning;
		return this;
	}

	/**
	 * @param deliveryKey the key migrate sealed the notifications with; may be null for a dry run
	 * @param stop asked before each notification; once it says yes the rest stay pending
	 */
	public int run(boolean dryRun, DeliveryKey deliveryKey, BooleanSupplier stop, PrintStream out, PrintStream err) {
		return run(dryRun, false, deliveryKey, stop, out, err);
	}

	/**
	 * @param now retry the notifications waiting for their backoff at once (after the cause of their
	 * failures was fixed), instead of when each is due
	 */
	public int run(boolean dryRun, boolean now, DeliveryKey deliveryKey, BooleanSupplier stop, PrintStream out,
			PrintStream err) {
		return run(dryRun, now, false, deliveryKey, stop, out, err);
	}

	/**
	 * @param retryUndeliverable make the notifications the mail server refused for good (UNDELIVERABLE)
	 * pending again and try them in this delivery (after the operator fixed their addresses)
	 */
	public int run(boolean dryRun, boolean now, boolean retryUndeliverable, DeliveryKey deliveryKey,
			BooleanSupplier stop, PrintStream out, PrintStream err) {
		String problem = settings.problem();
		if (problem != null) {
			err.println("keyshift: " + problem + ". Nothing was sent.");
			return USAGE;
		}
		try {
			return dryRun ? preview(out, err) : deliver(deliveryKey, now, retryUndeliverable, stop, out, err);
		}
		catch (RuntimeException ex) {
			// the database went away, most likely; no token is in these messages (ErrorText.scrub to be sure)
			err.println("keyshift: deliver failed: " + ErrorText.scrub(rootMessage(ex), List.of()) + (dryRun
					? ". Nothing was sent or changed; run it again once the database is reachable."
					: ". Every notification not yet marked delivered stays pending (" + (senders == 1
							? "one being sent at that moment may reach its user twice"
							: "those being sent at that moment, up to one per connection (" + senders
									+ "), may reach their users twice")
							+ "); run deliver again."));
			return FAILED;
		}
	}

	private int deliver(DeliveryKey deliveryKey, boolean now, boolean retryUndeliverable, BooleanSupplier stop,
			PrintStream out, PrintStream err) {
		if (deliveryKey == null) {
			err.println("keyshift: deliver needs --delivery-key-file FILE (the key migrate sealed the tokens with),"
					+ " or use --dry-run. Nothing was sent.");
			return USAGE;
		}
		if (settings.from() == null || settings.from().isBlank()) {
			err.println("keyshift: set the From address of the notifications: keyshift.mail.from"
					+ " (KEYSHIFT_MAIL_FROM). Nothing was sent.");
			return USAGE;
		}
		JavaMailSender sender = configured(mailSender.get());
		if (sender == null) {
			err.println("keyshift: no mail server configured: set spring.mail.host (SPRING_MAIL_HOST) and, as needed,"
					+ " spring.mail.port, spring.mail.username, spring.mail.password. Nothing was sent.");
			return USAGE;
		}
		boolean encrypted = encrypted(sender, settings.requireTls());
		if (!encrypted && settings.requireTls()) {
			err.println("keyshift: keyshift.mail.require-tls is true, but the connection to the mail server is not"
					+ " encrypted: set spring.mail.properties.mail.smtp.starttls.enable=true (STARTTLS, then"
					+ " required) or spring.mail.protocol=smtps. Nothing was sent.");
			return USAGE;
		}
		ClaimIssuer links = null;
		if (claimLinks != null) {
			links = claimLinks.issuer(err);
			if (links == null) {
				return USAGE;
			}
		}
		activeLinks = links;
		boolean reissues = claimLinks != null && claimLinks.reissues();
		long pending = store.countPending();
		long undeliverable = store.countUndeliverable();
		if (pending == 0 && !(retryUndeliverable && undeliverable > 0) && !reissues) {
			out.println(nothingPending());
			printWaiting(out);
			return undeliverable == 0 ? OK : undeliverable(undeliverable, null, err);
		}
		withTimeouts(sender, settings.timeout());
		if (settings.connections() > 1 && store.embeddedH2()) {
			// H2 keeps whole transactions on disk after a kill only with one writer (see H2Commits)
			senders = 1;
			log.info("deliver: embedded H2 sends over one connection (keyshift.mail.connections applies on"
					+ " PostgreSQL), so that a killed delivery leaves only whole marks behind");
		}
		databaseConnections.accept(senders + 2);
		Deliverer deliverer = deliverer(new DeliveryCipher(deliveryKey, new SecureRandom()), new SmtpMailer(sender),
				out, null);
		// with --retry-undeliverable the key is tried on those too, before any is made pending again
		List<RunPending> runs = store.pendingByRun(retryUndeliverable);
		String keyId = deliveryKey.id();
		Set<Long> otherKey = runsItDoesNotOpen(deliverer, keyId, runs);
		Set<Long> allRuns = new HashSet<>(runs.stream().map(RunPending::runId).toList());
		if (!otherKey.isEmpty() && otherKey.equals(allRuns)) {
			err.println("keyshift: the delivery key (id " + keyId + ") opens none of the "
					+ (retryUndeliverable ? "pending or undeliverable" : "pending") + " notifications: "
					+ describe(runs, retryUndeliverable) + ". Give deliver the key migrate sealed them with. Nothing"
					+ " was sent or changed.");
			return USAGE;
		}
		if (reissues) {
			// the key is tried before any link is touched: a refusal changes nothing
			List<Pending> closed = claimLinks.toReissue().stream().filter(n -> !deliverer.opens(n)).toList();
			if (!closed.isEmpty()) {
				err.println("keyshift: the delivery key (id " + keyId + ") does not open " + reissuesNamed(closed)
						+ ". Give deliver the key migrate sealed them with. Nothing was sent or changed.");
				return USAGE;
			}
		}
		if (!otherKey.isEmpty()) {
			err.println("keyshift: the delivery key (id " + keyId + ") does not open the notifications of "
					+ describe(runs.stream().filter(r -> otherKey.contains(r.runId())).toList(), retryUndeliverable)
					+ ": they are left alone; deliver them with the key that run was given.");
		}
		if (now) {
			long retried = store.retryNow(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
			if (retried > 0) {
				out.println(String.format("keyshift: deliver --now: %,d notification%s waiting for a retry %s due now",
						retried, retried == 1 ? "" : "s", retried == 1 ? "is" : "are"));
			}
		}
		if (retryUndeliverable && undeliverable > 0) {
			long retried = store.retryUndeliverable(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC),
					otherKey);
			out.println(String.format("keyshift: deliver --retry-undeliverable: %,d undeliverable notification%s %s"
					+ " pending again", retried, retried == 1 ? "" : "s", retried == 1 ? "is" : "are"));
		}
		if (reissues) {
			claimLinks.reissue(out);
		}
		if (tokenModeWarning != null) {
			err.println(tokenModeWarning);
		}
		if (!encrypted) {
			err.println(claimLinks != null ? PLAIN_TEXT_LINKS_WARNING : PLAIN_TEXT_WARNING);
		}
		Deliverer.Result result;
		try (H2Commits.Handle durable = store.writeEachCommitAtOnce();
				DeliveryReport report = DeliveryReport.create(Path.of(settings.reportDir()),
						LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC))) {
			log.info("delivery report: {}", report.file());
			result = deliverer(deliverer, report, out).deliver(otherKey, stop);
		}
		long undeliverableNow = store.countUndeliverable();
		out.println(String.format("keyshift: deliver: %,d sent, %,d failed, %,d still pending", result.sent(),
				result.failed(), result.remaining())
				+ (undeliverableNow == 0 ? "" : String.format(", %,d undeliverable", undeliverableNow)));
		printWaiting(out);
		if (result.remaining() == 0) {
			return undeliverableNow == 0 ? OK : undeliverable(undeliverableNow, result.lastError(), err);
		}
		if (undeliverableNow > 0) {
			undeliverable(undeliverableNow, null, err);
		}
		String count = result.remaining() == 1 ? "1 notification is"
				: String.format("%,d notifications are", result.remaining());
		if (stop.getAsBoolean()) {
			err.println("keyshift: deliver stopped on request; " + count + " still pending. Nothing was lost; run"
					+ " deliver again.");
		}
		else if (result.stoppedEarly()) {
			err.println("keyshift: stopped early: the mail server refused " + Deliverer.MAX_SEND_FAILURES_IN_A_ROW
					+ " messages in a row (last: " + result.lastError() + "). Nothing was lost: " + count
					+ " still pending. Check spring.mail.* and run deliver again.");
		}
		else {
			err.println("keyshift: " + count + " still pending"
					+ (result.lastError() == null ? "" : " (last error: " + result.lastError()
							+ "; every reason is in token_notification.last_error)")
					+ ". Nothing was lost; run deliver again"
					+ (result.nextDue() == null || !otherKey.isEmpty() ? ""
							: " after " + WHEN.format(result.nextDue().withOffsetSameInstant(ZoneOffset.UTC)))
					+ ".");
		}
		return FAILED;
	}

	/** Link mode: the line on the links that wait for their claim, if any. */
	private void printWaiting(PrintStream out) {
		String waiting = claimLinks == null ? null : claimLinks.waiting();
		if (waiting != null) {
			out.println(waiting);
		}
	}

	/** {@code the notification to reissue of user 7 (notification ..., run 2)}, the first few of them. */
	private static String reissuesNamed(List<Pending> closed) {
		List<String> named = new ArrayList<>();
		for (Pending n : closed.subList(0, Math.min(5, closed.size()))) {
			named.add("user " + n.userId() + " (notification " + n.id() + ", run " + n.runId() + ")");
		}
		return (closed.size() == 1 ? "the notification to reissue of " : "the notifications to reissue of ")
				+ String.join(", ", named) + (closed.size() > 5 ? String.format(" and %,d more", closed.size() - 5) : "");
	}

	/** A deliverer with this command's settings; {@code report} may be null. */
	private Deliverer deliverer(DeliveryCipher cipher, Mailer mailer, PrintStream out, DeliveryReport report) {
		Deliverer.Sending sending = new Deliverer.Sending(senders, settings.maxRate(),
				settings.throttlePause(), THROTTLE_RETRIES, settings.progressInterval(), out::println, report);
		return new Deliverer(store, new MessageRenderer(), cipher, mailer, settings.from(), clock,
				new TransactionTemplate(transactionManager), settings.backoff(), settings.lease(), settings.pageSize(),
				sending).withClaimLinks(activeLinks);
	}

	private Deliverer deliverer(Deliverer checked, DeliveryReport report, PrintStream out) {
		return deliverer(checked.cipher(), checked.mailer(), out, report);
	}

	/** Says how many notifications wait for the operator, and what to do; returns {@link #FAILED}. */
	private static int undeliverable(long count, String lastError, PrintStream err) {
		err.println("keyshift: " + (count == 1 ? "1 notification is" : String.format("%,d notifications are", count))
				+ " undeliverable: the mail server refused " + (count == 1 ? "it" : "them") + " for good"
				+ (lastError == null ? "" : " (last: " + lastError + ")")
				+ "; each reply is in token_notification.last_error and in the delivery report. Fix the addresses"
				+ " (token_notification.email) and run deliver --retry-undeliverable.");
		return FAILED;
	}

	private int preview(PrintStream out, PrintStream err) {
		ClaimLink placeholder = null;
		if (claimLinks != null) {
			ClaimIssuer links = claimLinks.issuer(err);
			if (links == null) {
				return USAGE;
			}
			placeholder = links.placeholder();
		}
		MessageRenderer renderer = new MessageRenderer();
		Deliverer deliverer = new Deliverer(store, renderer, null, null, settings.from(), clock,
				new TransactionTemplate(transactionManager), settings.backoff(), settings.lease(),
				settings.pageSize());
		if (store.countPending() == 0) {
			out.println(nothingPending());
			printWaiting(out);
			return OK;
		}
		Set<String> shown = new HashSet<>();
		Deliverer.PreviewResult result = deliverer.preview(p -> {
			if (shown.add(p.kind())) {
				// one whole message per kind, so the operator reads what users will get (tokens withheld)
				out.println("--- " + p.kind() + " message, as " + p.email() + " would get it (tokens withheld) ---");
				out.println("From: " + (blank(settings.from()) ? "(keyshift.mail.from is not set)" : settings.from()));
				out.println("To: " + p.email());
				out.println("Subject: " + p.message().subject());
				out.println();
				out.print(p.message().text());
				out.println("--- end of " + p.kind() + " message ---");
			}
			out.println("would send " + p.kind() + " to " + p.email() + " (user " + p.userId() + ", notification "
					+ p.id() + (p.attempts() == 0 ? "" : ", " + p.attempts() + " failed attempts, last: " + p.lastError())
					+ ")");
		}, placeholder);
		long later = result.pending() - result.due();
		out.println("keyshift: deliver (dry run): " + notifications(result.due()) + " would be sent now"
				+ (later == 0 ? "" : String.format(", %,d", later) + " more are pending but not due yet (waiting to be retried)")
				+ "; " + mailServer() + ". Nothing was decrypted, sent or changed.");
		return OK;
	}

	/** Nothing is pending: how many were delivered, and (link mode) how many links wait for their claim. */
	private String nothingPending() {
		if (store.countAll() == 0) {
			return "keyshift: deliver: no notifications in this database; nothing to do (a real migrate run queues them)";
		}
		long sent = store.countSent();
		return "keyshift: deliver: nothing pending (" + String.format("%,d", store.countDelivered()) + " delivered"
				+ (sent == 0 ? " earlier" : String.format(", %,d link%s sent and not yet claimed", sent,
						sent == 1 ? "" : "s"))
				+ "); nothing to do";
	}

	/**
	 * The sender, or null when there is no mail server to send to. Spring Boot makes a sender as
	 * soon as {@code spring.mail.host} is set, even to nothing, and JavaMail then quietly sends to
	 * localhost.
	 */
	private static JavaMailSender configured(JavaMailSender sender) {
		if (sender instanceof JavaMailSenderImpl impl && (impl.getHost() == null || impl.getHost().isBlank())
				&& impl.getJavaMailProperties().getProperty("mail.smtp.host") == null) {
			return null;
		}
		return sender;
	}

	/** What a real delivery would use, or what it lacks. */
	private String mailServer() {
		JavaMailSender sender = configured(mailSender.get());
		String server = sender == null ? "no mail server configured yet (spring.mail.host)"
				: sender instanceof JavaMailSenderImpl impl
						? "mail server " + impl.getHost() + ":" + (impl.getPort() > 0 ? impl.getPort() : 25)
						: "mail server configured";
		return server + ", From " + (blank(settings.from()) ? "not set yet (keyshift.mail.from)" : settings.from());
	}

	/**
	 * The runs this key does not open. A run that recorded the key it sealed with is told by that
	 * identifier; rows of the previous release record none, and a few of them are tried instead: if
	 * none opens, their run is not this key's. A run opens if any of its rows is this key's.
	 */
	private Set<Long> runsItDoesNotOpen(Deliverer deliverer, String keyId, List<RunPending> runs) {
		Set<Long> opened = new HashSet<>();
		Set<Long> all = new HashSet<>();
		for (RunPending group : runs) {
			all.add(group.runId());
			boolean opens = group.deliveryKeyId() != null ? group.deliveryKeyId().equals(keyId)
					: store.sample(group.runId(), KEY_SAMPLES_PER_RUN).stream().anyMatch(deliverer::opens);
			if (opens) {
				opened.add(group.runId());
			}
		}
		all.removeAll(opened);
		return all;
	}

	/** {@code run 2 (5 pending, sealed with key id 3f2a9c0d1e2b4a5c)}, for each run and key. */
	/** The runs and their notifications to send: pending ones, and with --retry-undeliverable the undeliverable ones too. */
	private static String describe(List<RunPending> runs, boolean withUndeliverable) {
		List<String> parts = new ArrayList<>();
		for (RunPending run : runs) {
			parts.add("run " + run.runId() + " (" + String.format("%,d", run.pending())
					+ (withUndeliverable ? " pending or undeliverable, " : " pending, ")
					+ (run.deliveryKeyId() == null ? "sealed before key ids were recorded, under another key"
							: "sealed with key id " + run.deliveryKeyId())
					+ ")");
		}
		return String.join(", ", parts);
	}

	private static String notifications(long n) {
		return n == 1 ? "1 notification" : String.format("%,d notifications", n);
	}

	private static boolean blank(String s) {
		return s == null || s.isBlank();
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return message == null ? root.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
	}

	/**
	 * Whether the connection to the mail server is encrypted: SMTPS (or SSL on connect), or STARTTLS.
	 * When TLS is required, STARTTLS is made required too, so JavaMail refuses a server that does not
	 * offer it instead of going on in the clear. A sender of unknown kind is taken at its word.
	 */
	static boolean encrypted(JavaMailSender sender, boolean requireTls) {
		if (!(sender instanceof JavaMailSenderImpl impl)) {
			return true;
		}
		java.util.Properties p = impl.getJavaMailProperties();
		if ("smtps".equalsIgnoreCase(impl.getProtocol()) || "true".equalsIgnoreCase(p.getProperty("mail.smtp.ssl.enable"))) {
			return true;
		}
		if ("true".equalsIgnoreCase(p.getProperty("mail.smtp.starttls.enable"))
				|| "true".equalsIgnoreCase(p.getProperty("mail.smtp.starttls.required"))) {
			if (requireTls) {
				p.setProperty("mail.smtp.starttls.enable", "true");
				p.setProperty("mail.smtp.starttls.required", "true");
			}
			return true;
		}
		return false;
	}

	/**
	 * JavaMail waits forever by default; a dead server, or one that accepts the connection and never
	 * answers, must fail an attempt, not hang the run. Settings the operator gave in
	 * {@code spring.mail.properties} win.
	 */
	static void withTimeouts(JavaMailSender sender, java.time.Duration timeout) {
		if (sender instanceof JavaMailSenderImpl impl) {
			String millis = Long.toString(timeout.toMillis());
			for (String key : new String[] { "connectiontimeout", "timeout", "writetimeout" }) {
				impl.getJavaMailProperties().putIfAbsent("mail.smtp." + key, millis);
				impl.getJavaMailProperties().putIfAbsent("mail.smtps." + key, millis);
			}
		}
	}
}
