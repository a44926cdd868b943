package io.keyshift.claim;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import io.keyshift.store.NotificationStore.Pending;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code deliver}'s side of the claim links: checks the link settings and hands the deliverer its
 * {@link ClaimIssuer}; names the notifications a reissue would put back in the queue (the delivery
 * key is tried on them first), then reissues the links the operator asked for ({@code --reissue},
 * {@code --waive-key-check}, {@code --reissue-expired}). Each step prints its one line.
 */
public final class LinkDelivery {

	private static final Logger log = LoggerFactory.getLogger(LinkDelivery.class);

	public static final String TOKEN_MODE_WARNING = "keyshift: warning: --mode token puts each new token, in clear,"
			+ " into its e-mail, where copies stay in mailboxes, backups and mail gateways for years. The default,"
			+ " link mode, sends a one-time claim link instead (see keyshift serve).";

	public static final String PLAIN_HTTP_WARNING = "keyshift: warning: keyshift.claim.base-url is plain http: the"
			+ " claim pages show tokens and take legacy keys; put keyshift serve behind a TLS proxy and give its"
			+ " https address.";

	private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

	private final ClaimSettings settings;

	private final ClaimStore store;

	private final ClaimOptions options;

	private final Clock clock;

	public LinkDelivery(ClaimSettings settings, ClaimStore store, ClaimOptions options, Clock clock) {
		this.settings = settings;
		this.store = store;
		this.options = options;
		this.clock = clock;
	}

	/**
	 * Checks the link settings: the issuer for the deliverer, or null when they are unusable (the
	 * reason is printed on {@code err}, ending with "Nothing was sent."). Changes nothing.
	 */
	public ClaimIssuer issuer(PrintStream err) {
		String problem = settings.problemForLinks();
		if (problem != null) {
			err.println("keyshift: " + problem + ". Nothing was sent.");
			return null;
		}
		if (settings.plainHttp()) {
			err.println(PLAIN_HTTP_WARNING);
		}
		return new ClaimIssuer(store, settings, new SecureRandom(), clock);
	}

	/** Whether the operator asked for links to be sent again ({@code --reissue}, {@code --reissue-expired}). */
	public boolean reissues() {
		return !options.reissue().isEmpty() || options.reissueExpired();
	}

	/** The notifications {@link #reissue} may put back in the queue: the delivery key must open each. */
	public List<Pending> toReissue() {
		List<Pending> out = new ArrayList<>(store.unclaimed(options.reissue()));
		if (options.reissueExpired()) {
			out.addAll(store.expiredUnclaimed(now()));
		}
		return out;
	}

	/** Sends the links the operator asked for again, one line each on {@code out}: after the key check. */
	public void reissue(PrintStream out) {
		OffsetDateTime now = now();
		if (!options.reissue().isEmpty()) {
			String operator = options.waiveKeyCheck() ? operator() : null;
			for (ClaimStore.Reissue r : store.reissue(options.reissue(), operator, now)) {
				out.println(line(r) + (operator != null && r.changed()
						? " (legacy key check waived by " + operator + ")" : ""));
				if (operator != null && r.changed()) {
					log.warn("legacy key check waived for user {} (notification {}) by {}", r.userId(),
							r.notificationId(), operator);
				}
			}
		}
		if (options.reissueExpired()) {
			int count = store.reissueExpired(now);
			out.println("keyshift: deliver --reissue-expired: " + (count == 1 ? "1 expired link is"
					: String.format("%,d expired links are", count)) + " sent again, fresh");
		}
	}

	/** The line {@code deliver --reissue} prints for one notification (or user). */
	static String line(ClaimStore.Reissue r) {
		String who = "keyshift: deliver --reissue: user " + r.userId()
				+ (r.notificationId() == null ? "" : ", notification " + r.notificationId()) + ": ";
		return who + switch (r.outcome()) {
			case "REISSUED" -> "a new link goes out now; the old one no longer works";
			case "QUEUED" -> "still pending; it goes out now with a new link, and its earlier links no longer work";
			case "RETRIED" -> "it was undeliverable (the mail server refused it for good): it is pending again, as"
					+ " with --retry-undeliverable, and goes out now with a new link to token_notification.email (if"
					+ " the server refuses it again, fix that address and run deliver --reissue again)";
			case "NOT_DUE" -> "left alone: it is pending and not due until " + WHEN.format(r.due())
					+ " (a deliver is sending it, or it waits for its retry); it goes out then with a new link, which"
					+ " kills the old one. To change it, run deliver --reissue again after that time";
			case "BUSY" -> "left alone: it changed while this ran (claimed, or taken by another deliver); run"
					+ " deliver --reissue again to see where it stands";
			case "CLAIMED" -> "the tokens were claimed already: nothing to resend (if that was not the user,"
					+ " revoke those tokens)";
			default -> "no token notification for this user: nothing to reissue";
		};
	}

	/** The summary line of link mode after sending: how many wait for their claim. */
	public String waiting() {
		ClaimStore.Waiting w = store.waiting(now());
		if (w.sent() == 0) {
			return null;
		}
		return String.format("keyshift: deliver: %,d link%s wait%s for %s claim (%,d expired, %,d locked): users"
				+ " claim their tokens on keyshift serve's page", w.sent(), w.sent() == 1 ? "" : "s",
				w.sent() == 1 ? "s" : "", w.sent() == 1 ? "its" : "their", w.expired(), w.locked());
	}

	private OffsetDateTime now() {
		return OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
	}

	/** Who runs this deliver: the operating-system user and host, as token_event's actor names them. */
	static String operator() {
		String host;
		try {
			host = java.net.InetAddress.getLocalHost().getHostName();
		}
		catch (java.io.IOException ex) {
			host = "unknown host";
		}
		return System.getProperty("user.name", "?") + " on " + host;
	}

	/** Users as {@code --reissue} lists them. */
	public static List<Long> users(List<String> ids) {
		return ids.stream().map(Long::parseLong).toList();
	}
}
