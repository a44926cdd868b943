package io.keyshift.notify;

import java.time.Duration;

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
 */
@ConfigurationProperties("keyshift.mail")
public record MailSettings(String from, @DefaultValue("100") int pageSize, @DefaultValue("1m") Duration retryFirst,
		@DefaultValue("1h") Duration retryMax, @DefaultValue("10m") Duration lease) {

	public Backoff backoff() {
		return new Backoff(retryFirst, retryMax);
	}
}
