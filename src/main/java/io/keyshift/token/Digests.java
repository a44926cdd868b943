package io.keyshift.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 digests of secrets: token digests and legacy key fingerprints. Tokens carry 256 random
 * bits, so a fast digest is the right storage (no password hashing needed); comparisons are
 * constant-time.
 */
public final class Digests {

	private static final HexFormat HEX = HexFormat.of();

	private Digests() {
	}

	public static String sha256Hex(String utf8) {
		return sha256Hex(utf8.getBytes(StandardCharsets.UTF_8));
	}

	public static String sha256Hex(byte[] bytes) {
		return HEX.formatHex(sha256(bytes));
	}

	/** Whether {@code token} digests to {@code expectedDigestHex}, compared in constant time. */
	public static boolean matches(String token, String expectedDigestHex) {
		byte[] expected;
		try {
			expected = HEX.parseHex(expectedDigestHex);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		return MessageDigest.isEqual(sha256(token.getBytes(StandardCharsets.UTF_8)), expected);
	}

	/** The last four characters of a secret (all of it when shorter): enough to recognise, not to use. */
	public static String hint(String secret) {
		return secret.length() <= 4 ? secret : secret.substring(secret.length() - 4);
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}
}
