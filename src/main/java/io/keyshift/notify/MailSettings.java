package io.keyshift.notify;

import java.time.Duration;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

import org.springframework.boot.context.properties.ConfigurationProperties;
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
 */
@ConfigurationProperties("keyshift.mail")
public record MailSettings(String from, @DefaultValue("100") int pageSize, @DefaultValue("1m") Duration retryFirst,
		@DefaultValue("1h") Duration retryMax, @DefaultValue("10m") Duration lease,
		@DefaultValue("false") boolean requireTls) {

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
