package io.keyshift.claim;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

import io.keyshift.token.Digests;

/**
 * The secret of one claim link: 256 random bits, base64url without padding (43 characters), so it
 * fits in a URL fragment and in a text field. Only its SHA-256 digest is stored; {@code toString()}
 * is redacted.
 */
public final class ClaimSecret {

	static final int BYTES = 32;

	private final String value;

	private ClaimSecret(String value) {
		this.value = value;
	}

	public static ClaimSecret random(SecureRandom random) {
		byte[] bytes = new byte[BYTES];
		random.nextBytes(bytes);
		return new ClaimSecret(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
	}

	/** A secret as the user typed or the page posted it; surrounding blanks (a paste) are dropped. */
	public static ClaimSecret of(String typed) {
		return new ClaimSecret(Objects.requireNonNull(typed, "typed").strip());
	}

	/** The value: only for the message's link and code, never for a log or a column. */
	public String reveal() {
		return value;
	}

	/** Lowercase hex SHA-256: what {@code token_claim.secret_digest} holds. */
	public String digest() {
		return Digests.sha256Hex(value);
	}

	/** Whether this secret digests to {@code digestHex}, compared in constant time. */
	public boolean matches(String digestHex) {
		return Digests.matches(value, digestHex);
	}

	@Override
	public String toString() {
		return "ClaimSecret[redacted]";
	}
}
