package io.keyshift.token;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * Mints personal access tokens: {@code dbtu_}, 32 random bytes as 43 base62 characters, then a
 * 6-character base62 CRC32 of those 43 characters (54 characters in all). The checksum lets a
 * secret scanner tell a real token from a typo without the database, as GitHub's tokens do.
 */
public final class TokenMinter {

	public static final String PREFIX = "dbtu_";

	static final int BODY = 43;

	static final int CHECKSUM = 6;

	private static final Pattern SHAPE = Pattern.compile("dbtu_[0-9A-Za-z]{49}");

	private final SecureRandom random;

	public TokenMinter() {
		this(new SecureRandom());
	}

	public TokenMinter(SecureRandom random) {
		this.random = random;
	}

	public TokenSecret mint() {
		byte[] bytes = new byte[32];
		random.nextBytes(bytes);
		String body = Base62.encode(new BigInteger(1, bytes), BODY);
		return new TokenSecret(PREFIX + body + checksum(body));
	}

	/** Right prefix, length and alphabet, and the checksum verifies: what a secret scanner checks. */
	public static boolean isWellFormed(String candidate) {
		if (candidate == null || !SHAPE.matcher(candidate).matches()) {
			return false;
		}
		String body = candidate.substring(PREFIX.length(), PREFIX.length() + BODY);
		return checksum(body).equals(candidate.substring(PREFIX.length() + BODY));
	}

	private static String checksum(String body) {
		CRC32 crc = new CRC32();
		crc.update(body.getBytes(StandardCharsets.US_ASCII));
		return Base62.encode(crc.getValue(), CHECKSUM);
	}
}
