package io.keyshift.token;

/**
 * A token value in memory. {@code toString()} is redacted, so no log statement or exception message
 * can print the value by accident; {@link #reveal()} is for the one place that seals it.
 */
public final class TokenSecret {

	private final String value;

	TokenSecret(String value) {
		this.value = value;
	}

	public String reveal() {
		return value;
	}

	public String hint() {
		return Digests.hint(value);
	}

	public String digest() {
		return Digests.sha256Hex(value);
	}

	@Override
	public boolean equals(Object other) {
		return other instanceof TokenSecret t && t.value.equals(value);
	}

	@Override
	public int hashCode() {
		return value.hashCode();
	}

	@Override
	public String toString() {
		return TokenMinter.PREFIX + "…[redacted]";
	}
}
