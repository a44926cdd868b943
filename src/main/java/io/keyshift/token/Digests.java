package io.keyshift.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * SHA-256 digests and hints of secrets: personal access tokens and legacy API key fingerprints.
 * Tokens carry 256 random bits, so a fast digest is the right storage (no password hashing needed);
 * comparisons are constant-time so a timing side channel cannot reveal how much of a guess is right.
 *
 * <p>Stateless and thread-safe.
 */
public final class Digests {

	private static final HexFormat HEX = HexFormat.of();

	private Digests() {
	}

	/** Lowercase hex SHA-256 of the string's UTF-8 bytes. */
	public static String sha256Hex(String utf8) {
		return sha256Hex(utf8.getBytes(StandardCharsets.UTF_8));
	}

	/** Lowercase hex SHA-256 of {@code bytes}. */
	public static String sha256Hex(byte[] bytes) {
		return HEX.formatHex(sha256(bytes));
	}

	/**
	 * Whether {@code token} digests to {@code expectedDigestHex} (either case), compared in constant
	 * time on the digest bytes. A malformed expected digest matches nothing.
	 */
	public static boolean matches(String token, String expectedDigestHex) {
		if (token == null || expectedDigestHex == null) {
			return false;
		}
		byte[] expected;
		try {
			expected = HEX.parseHex(expectedDigestHex);
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
		return MessageDigest.isEqual(sha256(token.getBytes(StandardCharsets.UTF_8)), expected);
	}

	/**
	 * The last four characters (code points, so never half an emoji) of a secret, all of it when
	 * shorter: enough to recognise, not to use.
	 */
	public static String hint(String secret) {
		int count = secret.codePointCount(0, secret.length());
		return count <= 4 ? secret : secret.substring(secret.offsetByCodePoints(0, count - 4));
	}

	private static byte[] sha256(byte[] bytes) {
		try {
			// A MessageDigest is not thread-safe; a fresh one per call is cheap next to the hashing.
			return MessageDigest.getInstance("SHA-256").digest(bytes);
		}
		catch (NoSuchAlgorithmException ex) {
			// Every Java platform must provide SHA-256, so this is a broken runtime, not bad input.
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}
}
