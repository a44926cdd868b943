package io.keyshift.notify;

import java.time.Duration;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of {@code keyshift deliver} ({@code keyshift.mail.*}); the mail server itself is Spring
 * Boot's {@code spring.mail.*}.
 *
 * @param from the From address of every notification (required to deliver)
 * @param pageSize notifications read per query
 * @param retryFirst wait after a first failed attempt; it doubles with each further failure
 * @param retryMax the longest wait between attempts
 * @param lease how long a deliverer holds a notification while it sends it (longer than the SMTP
 * timeouts); after a crash the notification is due again when it ends
 * @param requireTls refuse to deliver unless the connection to the mail server is encrypted
 * (SMTPS, or STARTTLS, which is then required)
 * @param connections senders at once, each over its own SMTP connection kept open between messages
 * @param maxRate at most this many messages per second across all senders (null: no limit)
 * @param timeout connect, read and write timeout of the SMTP connections (unless
 * {@code spring.mail.properties.mail.smtp.*timeout} says otherwise)
 * @param throttlePause the first wait before a throttled message (421, 451, 454) is tried again; it
 * doubles with each further throttling reply to that message, up to a minute
 * @param progressInterval how often a progress line is printed
 * @param reportDir where each delivery writes {@code deliver-<time>/delivery-report.csv}
 */
@ConfigurationProperties("keyshift.mail")
public record MailSettings(String from, @DefaultValue("100") int pageSize, @DefaultValue("1m") Duration retryFirst,
		@DefaultValue("1h") Duration retryMax, @DefaultValue("10m") Duration lease,
		@DefaultValue("false") boolean requireTls, @DefaultValue("4") int connections, Double maxRate,
		@DefaultValue("30s") Duration timeout, @DefaultValue("1s") Duration throttlePause,
		@DefaultValue("10s") Duration progressInterval, @DefaultValue("reports") String reportDir) {

	/** The most senders at once: a mail server limits connections per client (Postfix: 20 by default). */
	public static final int MAX_CONNECTIONS = 64;

	@ConstructorBinding
	public MailSettings {
	}

	/** The settings of the first release, with the defaults of the others. */
	public MailSettings(String from, int pageSize, Duration retryFirst, Duration retryMax, Duration lease,
			boolean requireTls) {
		this(from, pageSize, retryFirst, retryMax, lease, requireTls, 4, null, Duration.ofSeconds(30),
				Duration.ofSeconds(1), Duration.ofSeconds(10), "reports");
	}

	/** These settings with {@code connections} senders and at most {@code maxRate} messages/s. */
	public MailSettings sending(int connections, Double maxRate) {
		return new MailSettings(from, pageSize, retryFirst, retryMax, lease, requireTls, connections, maxRate, timeout,
				throttlePause, progressInterval, reportDir);
	}

	public Backoff backoff() {
		return new Backoff(retryFirst, retryMax);
	}

	/** What is wrong with these settings, in the operator's words; null when they can be used. */
	public String problem() {
		if (pageSize < 1) {
			return "keyshift.mail.page-size must be at least 1, not " + pageSize;
		}
		if (retryFirst == null || retryFirst.isNegative() || retryFirst.isZero()) {
			return "keyshift.mail.retry-first must be a positive duration (e.g. 1m), not " + words(retryFirst);
		}
		if (retryMax == null || retryMax.compareTo(retryFirst) < 0) {
			return "keyshift.mail.retry-max (" + words(retryMax) + ") must not be shorter than"
					+ " keyshift.mail.retry-first (" + words(retryFirst) + ")";
		}
		if (lease == null || lease.isNegative() || lease.isZero()) {
			return "keyshift.mail.lease must be a positive duration (e.g. 10m), not " + words(lease);
		}
		if (connections < 1 || connections > MAX_CONNECTIONS) {
			return "keyshift.mail.connections must be between 1 and " + MAX_CONNECTIONS + ", not " + connections;
		}
		if (maxRate != null && !(maxRate > 0 && maxRate < Double.POSITIVE_INFINITY)) {
			return "keyshift.mail.max-rate must be a positive number of messages per second (e.g. 14), not " + maxRate;
		}
		if (timeout == null || timeout.isNegative() || timeout.isZero() || timeout.compareTo(lease) >= 0) {
			return "keyshift.mail.timeout must be a positive duration shorter than keyshift.mail.lease ("
					+ words(lease) + "), not " + words(timeout);
		}
		if (throttlePause == null || throttlePause.isNegative() || throttlePause.isZero()) {
			return "keyshift.mail.throttle-pause must be a positive duration (e.g. 1s), not " + words(throttlePause);
		}
		if (progressInterval == null || progressInterval.isNegative() || progressInterval.isZero()) {
			return "keyshift.mail.progress-interval must be a positive duration (e.g. 10s), not "
					+ words(progressInterval);
		}
		if (reportDir == null || reportDir.isBlank()) {
			return "keyshift.mail.report-dir must name a directory (e.g. reports)";
		}
		if (from != null && !from.isBlank() && !isAddress(from)) {
			return "the From address '" + from + "' (keyshift.mail.from, KEYSHIFT_MAIL_FROM) is not an e-mail"
					+ " address: write it as security@example.com or 'IT Security <security@example.com>'";
		}
		return null;
	}

	/** One address, by RFC 822's strict rules, with a domain: what a mail server takes as a sender. */
	private static boolean isAddress(String from) {
		try {
			String address = new InternetAddress(from, true).getAddress();
			return address != null && address.indexOf('@') > 0 && address.indexOf('@') < address.length() - 1;
		}
		catch (AddressException ex) {
			return false;
		}
	}

	/** {@code PT1H30M} as {@code 1h30m}, the way the setting is written. */
	private static String words(Duration duration) {
		return duration == null ? "nothing" : duration.toString().substring(2).toLowerCase(java.util.Locale.ROOT);
	}
}
