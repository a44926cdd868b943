package io.keyshift.token;

import java.math.BigInteger;
import java.util.Arrays;

/**
 * Base62 at a fixed width, zero-padded, with the alphabet {@code 0-9}, {@code A-Z}, {@code a-z} in
 * that order, so {@code '0'} is zero and the digits sort like the numbers they encode.
 *
 * <p>Stateless and thread-safe.
 */
public final class Base62 {

	static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

	private static final char[] DIGITS = ALPHABET.toCharArray();

	/** Digit value by character, -1 for anything outside the alphabet. */
	private static final byte[] VALUES = new byte[128];

	static {
		Arrays.fill(VALUES, (byte) -1);
		for (int i = 0; i < DIGITS.length; i++) {
			VALUES[DIGITS[i]] = (byte) i;
		}
	}

	/*
	 * 62^5 < 2^30, so a 30-bit remainder shifted past a 32-bit limb still fits in a long: dividing by
	 * it yields five digits per pass over the limbs, instead of one BigInteger division per digit.
	 */
	private static final int DIGITS_PER_CHUNK = 5;

	private static final long CHUNK = 62L * 62 * 62 * 62 * 62;

	private Base62() {
	}

	/**
	 * Encodes {@code value} in exactly {@code width} digits.
	 * @throws IllegalArgumentException if {@code value} is negative or needs more than {@code width} digits
	 */
	public static String encode(BigInteger value, int width) {
		if (value.signum() < 0) {
			throw new IllegalArgumentException("base62 encodes non-negative numbers only");
		}
		return encodeUnsigned(value.toByteArray(), width);
	}

	/**
	 * Encodes {@code value} in exactly {@code width} digits.
	 * @throws IllegalArgumentException if {@code value} is negative or needs more than {@code width} digits
	 */
	public static String encode(long value, int width) {
		if (value < 0) {
			throw new IllegalArgumentException("base62 encodes non-negative numbers only");
		}
		checkWidth(width);
		char[] out = new char[width];
		long rest = value;
		for (int i = width - 1; i >= 0; i--) {
			out[i] = DIGITS[(int) (rest % 62)];
			rest /= 62;
		}
		if (rest != 0) {
			throw tooWide(width);
		}
		return new String(out);
	}

	/**
	 * Encodes the unsigned big-endian number in {@code bytes} (which is left untouched) in exactly
	 * {@code width} digits; how a token's random bytes become its body without a BigInteger.
	 */
	static String encodeUnsigned(byte[] bytes, int width) {
		checkWidth(width);
		int[] limbs = toLimbs(bytes);
		char[] out = new char[width];
		int first = 0;
		int pos = width;
		while (pos > 0) {
			while (first < limbs.length && limbs[first] == 0) {
				first++;
			}
			long rem = 0;
			for (int i = first; i < limbs.length; i++) {
				long cur = (rem << 32) | (limbs[i] & 0xFFFFFFFFL);
				limbs[i] = (int) (cur / CHUNK);
				rem = cur % CHUNK;
			}
			for (int d = 0; d < DIGITS_PER_CHUNK; d++) {
				if (pos == 0) {
					// Out of room: whatever is left of this chunk must be leading zeros.
					if (rem != 0) {
						throw tooWide(width);
					}
					break;
				}
				out[--pos] = DIGITS[(int) (rem % 62)];
				rem /= 62;
			}
		}
		for (int limb : limbs) {
			if (limb != 0) {
				throw tooWide(width);
			}
		}
		return new String(out);
	}

	/**
	 * Decodes base62 digits (any width, leading zeros allowed).
	 * @throws IllegalArgumentException if {@code digits} is empty or has a character outside the alphabet
	 */
	public static BigInteger decode(String digits) {
		if (digits.isEmpty()) {
			throw new IllegalArgumentException("no base62 digits to decode");
		}
		BigInteger value = BigInteger.ZERO;
		long chunk = 0;
		int inChunk = 0;
		for (int i = 0; i < digits.length(); i++) {
			int d = valueOf(digits.charAt(i));
			if (d < 0) {
				// The position, not the character: the digits may be part of a secret.
				throw new IllegalArgumentException("not a base62 digit at position " + i);
			}
			chunk = chunk * 62 + d;
			if (++inChunk == DIGITS_PER_CHUNK) {
				value = value.multiply(BigInteger.valueOf(CHUNK)).add(BigInteger.valueOf(chunk));
				chunk = 0;
				inChunk = 0;
			}
		}
		if (inChunk > 0) {
			value = value.multiply(BigInteger.valueOf(62).pow(inChunk)).add(BigInteger.valueOf(chunk));
		}
		return value;
	}

	/** Whether {@code c} is one of the 62 digits. */
	static boolean isDigit(char c) {
		return valueOf(c) >= 0;
	}

	private static int valueOf(char c) {
		return c < VALUES.length ? VALUES[c] : -1;
	}

	/** Big-endian 32-bit limbs of an unsigned big-endian byte array. */
	private static int[] toLimbs(byte[] bytes) {
		int[] limbs = new int[(bytes.length + 3) / 4];
		for (int i = 0; i < bytes.length; i++) {
			int fromEnd = bytes.length - 1 - i;
			limbs[limbs.length - 1 - fromEnd / 4] |= (bytes[i] & 0xFF) << (8 * (fromEnd % 4));
		}
		return limbs;
	}

	private static void checkWidth(int width) {
		if (width <= 0) {
			throw new IllegalArgumentException("base62 width must be positive, not " + width);
		}
	}

	private static IllegalArgumentException tooWide(int width) {
		return new IllegalArgumentException("value does not fit in " + width + " base62 digits");
	}
}
