package io.keyshift.token;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Mints personal access tokens: {@code dbtu_}, then 32 random bytes as 43 base62 characters, then
 * a 6-character base62 CRC32 of those 43 characters; 54 characters in all, matching
 * {@code \bdbtu_[0-9A-Za-z]{49}\b}. The checksum lets a secret scanner tell a real token from a
 * typo without the database, as GitHub's tokens do.
 *
 * <p>Thread-safe: the only state is the {@link SecureRandom}, which is.
 */
public final class TokenMinter {

	/** What every token starts with, so scanners and people can recognise one. */
	public static final String PREFIX = "dbtu_";

	/** Characters in a token: prefix, body and checksum. */
	public static final int LENGTH = 54;

	/** 256 bits: far above NIST SP 800-63B's 112-bit floor, so a fast digest is safe storage. */
	static final int RANDOM_BYTES = 32;

	/** Base62 digits of the random part: 62^43 is the first power of 62 above 2^256. */
	static final int BODY = 43;

	/** Base62 digits of the CRC32: 62^6 is the first power of 62 above 2^32. */
	static final int CHECKSUM = 6;

	private final SecureRandom random;

	/** A minter drawing from a new, self-seeding {@link SecureRandom}. */
	public TokenMinter() {
		this(new SecureRandom());
	}

	/** A minter drawing from {@code random}; tests pass a predictable one. */
	public TokenMinter(SecureRandom random) {
		this.random = Objects.requireNonNull(random, "random");
	}

	/** A new token, never seen before with overwhelming probability. */
	public TokenSecret mint() {
		byte[] bytes = new byte[RANDOM_BYTES];
		random.nextBytes(bytes);
		String body = Base62.encodeUnsigned(bytes, BODY);
		return new TokenSecret(PREFIX + body + checksum(body));
	}

	/**
	 * Whether {@code candidate} is exactly a token: right prefix, length and alphabet, and its
	 * checksum verifies. This is what a secret scanner checks without a database; it says nothing
	 * about whether the token was ever issued or is still valid.
	 */
	public static boolean isWellFormed(String candidate) {
		if (candidate == null || candidate.length() != LENGTH || !candidate.startsWith(PREFIX)) {
			return false;
		}
		for (int i = PREFIX.length(); i < LENGTH; i++) {
			if (!Base62.isDigit(candidate.charAt(i))) {
				return false;
			}
		}
		String body = candidate.substring(PREFIX.length(), PREFIX.length() + BODY);
		return checksum(body).equals(candidate.substring(PREFIX.length() + BODY));
	}

	/** The checksum the spec defines: CRC32 of the body's ASCII characters, as 6 base62 digits. */
	static String checksum(String body) {
		CRC32 crc = new CRC32();
		crc.update(body.getBytes(StandardCharsets.US_ASCII));
		return Base62.encode(crc.getValue(), CHECKSUM);
	}
}
