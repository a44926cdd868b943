package io.keyshift.claim;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the claim links ({@code keyshift.claim.*}), read by {@code deliver} (which sends the
 * links) and {@code serve} (which shows the pages).
 *
 * @param baseUrl where users reach {@code keyshift serve} (through the operator's TLS proxy), e.g.
 * {@code https://keys.example.com}; required by {@code deliver} in link mode
 * @param ttl how long a link works
 * @param maxFailures wrong legacy keys after which a claim locks until the operator reissues it
 * @param contact whom users should tell when a claim was not theirs, e.g. {@code security@example.com}
 * @param attemptsPerMinute claim attempts (POSTs) one client may make per minute; page views 6 times as many
 */
@ConfigurationProperties("keyshift.claim")
public record ClaimSettings(String baseUrl, @DefaultValue("14d") Duration ttl, @DefaultValue("5") int maxFailures,
		@DefaultValue("your administrator") String contact, @DefaultValue("10") int attemptsPerMinute) {

	/** What is wrong with these settings for sending links, in the operator's words; null when usable. */
	public String problemForLinks() {
		if (baseUrl == null || baseUrl.isBlank()) {
			return "link mode needs the address of keyshift serve: set keyshift.claim.base-url"
					+ " (KEYSHIFT_CLAIM_BASE_URL), e.g. https://keys.example.com, or use --mode token";
		}
		URI uri;
		try {
			uri = URI.create(baseUrl.strip());
		}
		catch (IllegalArgumentException ex) {
			uri = null;
		}
		if (uri == null || uri.getScheme() == null || uri.getHost() == null
				|| !(uri.getScheme().toLowerCase(Locale.ROOT).equals("https")
						|| uri.getScheme().toLowerCase(Locale.ROOT).equals("http"))
				|| uri.getRawQuery() != null || uri.getRawFragment() != null) {
			return "keyshift.claim.base-url '" + baseUrl + "' is not an http(s) address without query or fragment"
					+ " (e.g. https://keys.example.com)";
		}
		return problem();
	}

	/** What is wrong with the settings both commands use; null when usable. */
	public String problem() {
		if (ttl == null || ttl.isNegative() || ttl.isZero()) {
			return "keyshift.claim.ttl must be a positive duration (e.g. 14d)";
		}
		if (maxFailures < 1) {
			return "keyshift.claim.max-failures must be at least 1, not " + maxFailures;
		}
		if (attemptsPerMinute < 1) {
			return "keyshift.claim.attempts-per-minute must be at least 1, not " + attemptsPerMinute;
		}
		return null;
	}

	/** Whether the links go out over plain http (worth a warning: the page shows tokens). */
	public boolean plainHttp() {
		return baseUrl != null && baseUrl.strip().toLowerCase(Locale.ROOT).startsWith("http:");
	}

	/** The page of claim {@code id}, with {@code code} in the fragment. */
	String url(java.util.UUID id, String code) {
		return base() + "/claim/" + id + "#" + code;
	}

	/** What a dry run shows where each message's own link goes. */
	String placeholderUrl() {
		return base() + "/claim/[a link of its own, made when the message is sent]";
	}

	private String base() {
		String base = baseUrl.strip();
		while (base.endsWith("/")) {
			base = base.substring(0, base.length() - 1);
		}
		return base;
	}
}
