package io.keyshift.token;

import java.math.BigInteger;

/** Base62 with the alphabet 0-9, A-Z, a-z ('0' is zero), at a fixed width, zero-padded. */
public final class Base62 {

	static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

	private static final BigInteger SIXTY_TWO = BigInteger.valueOf(62);

	private Base62() {
	}

	public static String encode(BigInteger value, int width) {
		if (value.signum() < 0) {
			throw new IllegalArgumentException("negative value");
		}
		char[] out = new char[width];
		BigInteger rest = value;
		for (int i = width - 1; i >= 0; i--) {
			BigInteger[] qr = rest.divideAndRemainder(SIXTY_TWO);
			out[i] = ALPHABET.charAt(qr[1].intValue());
			rest = qr[0];
		}
		if (rest.signum() != 0) {
			throw new IllegalArgumentException("value does not fit in " + width + " base62 digits");
		}
		return new String(out);
	}

	public static String encode(long value, int width) {
		return encode(BigInteger.valueOf(value), width);
	}

	public static BigInteger decode(String digits) {
		BigInteger value = BigInteger.ZERO;
		for (int i = 0; i < digits.length(); i++) {
			int d = ALPHABET.indexOf(digits.charAt(i));
			if (d < 0) {
				throw new IllegalArgumentException("not a base62 digit at " + i);
			}
			value = value.multiply(SIXTY_TWO).add(BigInteger.valueOf(d));
		}
		return value;
	}
}
