package io.keyshift.claim;

import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code deliver}'s side of the claim links, before its messages go out: checks the link settings,
 * reissues links the operator asked for ({@code --reissue}, {@code --waive-key-check},
 * {@code --reissue-expired}), and hands the deliverer its {@link ClaimIssuer}. Each step prints its
 * one line; a problem returns null with the message printed (exit 2, nothing sent).
 */
public final class LinkDelivery {

	private static final Logger log = LoggerFactory.getLogger(LinkDelivery.class);

	public static final String TOKEN_MODE_WARNING = "keyshift: warning: --mode token puts each new token, in clear,"
			+ " into its e-mail, where copies stay in mailboxes, backups and mail gateways for years. The default,"
			+ " link mode, sends a one-time claim link instead (see keyshift serve).";

	public static final String PLAIN_HTTP_WARNING = "keyshift: warning: keyshift.claim.base-url is plain http: the"
			+ " claim pages show tokens and take legacy keys; put keyshift serve behind a TLS proxy and give its"
			+ " https address.";

	private LinkDelivery() {
	}

	/**
	 * Prepares link mode: the issuer for the deliverer, or null when the settings are unusable (the
	 * reason is printed on {@code err}, ending with "Nothing was sent.").
	 */
	public static ClaimIssuer prepare(ClaimSettings settings, ClaimStore store, ClaimOptions options, Clock clock,
			PrintStream out, PrintStream err) {
		String problem = settings.problemForLinks();
		if (problem != null) {
			err.println("keyshift: " + problem + ". Nothing was sent.");
			return null;
		}
		if (settings.plainHttp()) {
			err.println(PLAIN_HTTP_WARNING);
		}
		OffsetDateTime now = OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC);
		if (!options.reissue().isEmpty()) {
			String operator = options.waiveKeyCheck() ? operator() : null;
			for (ClaimStore.Reissue r : store.reissue(options.reissue(), operator, now)) {
				out.println("keyshift: deliver --reissue: user " + r.userId() + ": " + switch (r.outcome()) {
					case "REISSUED" -> "a new link goes out now; the old one no longer works";
					case "QUEUED" -> "the notification is still pending; it goes out now with a new link";
					case "CLAIMED" -> "the tokens were claimed already: nothing to resend (if that was not the user,"
							+ " revoke those tokens)";
					default -> "no token notification for this user: nothing to reissue";
				} + (operator != null && !r.outcome().equals("CLAIMED") && !r.outcome().equals("NONE")
						? " (legacy key check waived by " + operator + ")" : ""));
				if (operator != null && !r.outcome().equals("CLAIMED") && !r.outcome().equals("NONE")) {
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
		return new ClaimIssuer(store, settings, new SecureRandom(), clock);
	}

	/** The summary line of link mode after sending: how many wait for their claim. */
	public static String waiting(ClaimStore store, Clock clock) {
		ClaimStore.Waiting w = store.waiting(OffsetDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
		if (w.sent() == 0) {
			return null;
		}
		return String.format("keyshift: deliver: %,d link%s wait%s for %s claim (%,d expired, %,d locked): users"
				+ " claim their tokens on keyshift serve's page", w.sent(), w.sent() == 1 ? "" : "s",
				w.sent() == 1 ? "s" : "", w.sent() == 1 ? "its" : "their", w.expired(), w.locked());
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
