package io.keyshift.token;

import java.util.Objects;

/**
 * A token value in memory. {@code toString()} is redacted, so no log statement, exception message
 * or debugger summary prints the value by accident; {@link #reveal()} is for the one place that
 * must encrypt it for delivery. Only {@link TokenMinter} makes these.
 */
public final class TokenSecret {

	private final String value;

	TokenSecret(String value) {
		this.value = Objects.requireNonNull(value, "value");
	}

	/** The token itself: only to seal it for delivery, never to log or store it. */
	public String reveal() {
		return value;
	}

	/** The last four characters, which the product shows so its owner can recognise the token. */
	public String hint() {
		return Digests.hint(value);
	}

	/** Lowercase hex SHA-256 of the token's UTF-8 bytes: what the database stores instead of it. */
	public String digest() {
		return Digests.sha256Hex(value);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof TokenSecret secret && secret.value.equals(value);
	}

	@Override
	public int hashCode() {
		return value.hashCode();
	}

	/** {@code dbtu_…[redacted]}: says what it is, never what it holds. */
	@Override
	public String toString() {
		return TokenMinter.PREFIX + "…[redacted]";
	}
}
