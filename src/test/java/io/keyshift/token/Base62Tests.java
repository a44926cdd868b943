package io.keyshift.token;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class Base62Tests {

	private static final BigInteger MAX_256 = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);

	@Test
	void zeroIsAllZeroDigitsAtTheGivenWidth() {
		assertThat(Base62.encode(BigInteger.ZERO, 43)).isEqualTo("0".repeat(43));
		assertThat(Base62.encode(0L, 6)).isEqualTo("000000");
		assertThat(Base62.decode("0".repeat(43))).isEqualTo(BigInteger.ZERO);
	}

	@Test
	void digitsAreZeroToNineThenUpperThenLowerCase() {
		assertThat(Base62.encode(9, 1)).isEqualTo("9");
		assertThat(Base62.encode(10, 1)).isEqualTo("A");
		assertThat(Base62.encode(35, 1)).isEqualTo("Z");
		assertThat(Base62.encode(36, 1)).isEqualTo("a");
		assertThat(Base62.encode(61, 2)).isEqualTo("0z");
		assertThat(Base62.encode(62, 2)).isEqualTo("10");
		assertThat(Base62.encode(BigInteger.valueOf(62 * 62 - 1), 3)).isEqualTo("0zz");
		assertThat(Base62.decode("z")).isEqualTo(BigInteger.valueOf(61));
	}

	@Test
	void largestTwoHundredFiftySixBitNumberFitsInFortyThreeDigitsAndRoundTrips() {
		String encoded = Base62.encode(MAX_256, 43);
		assertThat(encoded).hasSize(43).matches("[0-9A-Za-z]{43}");
		assertThat(Base62.decode(encoded)).isEqualTo(MAX_256);
		assertThat(Base62.encodeUnsigned(MAX_256.toByteArray(), 43)).isEqualTo(encoded);
	}

	@Test
	void agreesWithBigIntegerArithmeticOnRandomNumbers() {
		Random random = new Random(62);
		for (int i = 0; i < 2_000; i++) {
			BigInteger value = new BigInteger(1 + random.nextInt(256), random);
			String encoded = Base62.encode(value, 43);
			assertThat(encoded).isEqualTo(slowEncode(value, 43));
			assertThat(Base62.decode(encoded)).isEqualTo(value);
		}
	}

	@Test
	void longAndBigIntegerEncodingsAgreeUpToLongMaxValue() {
		for (long value : new long[] { 0, 1, 61, 62, 0xFFFFFFFFL, Long.MAX_VALUE }) {
			assertThat(Base62.encode(value, 11)).isEqualTo(Base62.encode(BigInteger.valueOf(value), 11));
			assertThat(Base62.decode(Base62.encode(value, 11))).isEqualTo(BigInteger.valueOf(value));
		}
	}

	@Test
	void largestCrc32FitsInSixDigits() {
		assertThat(Base62.encode(0xFFFFFFFFL, 6)).hasSize(6);
		assertThat(Base62.decode(Base62.encode(0xFFFFFFFFL, 6))).isEqualTo(BigInteger.valueOf(0xFFFFFFFFL));
	}

	@Test
	void refusesAValueTooLargeForTheWidth() {
		assertThatIllegalArgumentException().isThrownBy(() -> Base62.encode(62, 1)).withMessageContaining("1 base62");
		assertThatIllegalArgumentException().isThrownBy(() -> Base62.encode(MAX_256, 42));
		assertThatIllegalArgumentException().isThrownBy(() -> Base62.encode(BigInteger.TWO.pow(300), 43));
		// 62^43 is the smallest 44-digit number.
		assertThatIllegalArgumentException().isThrownBy(() -> Base62.encode(BigInteger.valueOf(62).pow(43), 43));
		assertThat(Base62.encode(BigInteger.valueOf(62).pow(43).subtract(BigInteger.ONE), 43)).isEqualTo("z".repeat(43));
	}

	@Test
	void refusesNegativeNumbersAndWidths() {
		assertThatIllegalArgumentException().isThrownBy(() -> Base62.encode(-1, 6));
		assertThatIllegalArgumentException().isThrownBy(() -> Base62.encode(BigInteger.valueOf(-1), 6));
		assertThatIllegalArgumentException().isThrownBy(() -> Base62.encode(1, 0));
	}

	@Test
	void decodeRejectsCharactersOutsideTheAlphabetWithoutQuotingThem() {
		assertThatIllegalArgumentException().isThrownBy(() -> Base62.decode("abc-def"))
			.withMessageContaining("position 3")
			.withMessageNotContaining("abc");
		assertThatIllegalArgumentException().isThrownBy(() -> Base62.decode("é"));
		assertThatIllegalArgumentException().isThrownBy(() -> Base62.decode(""));
	}

	@Test
	void encodingUnsignedBytesLeavesThemUntouched() {
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		byte[] copy = bytes.clone();
		String encoded = Base62.encodeUnsigned(bytes, 43);
		assertThat(bytes).isEqualTo(copy);
		assertThat(Base62.decode(encoded)).isEqualTo(new BigInteger(1, copy));
	}

	/** The obvious one-division-per-digit algorithm, as an oracle. */
	private static String slowEncode(BigInteger value, int width) {
		StringBuilder out = new StringBuilder();
		BigInteger rest = value;
		for (int i = 0; i < width; i++) {
			BigInteger[] qr = rest.divideAndRemainder(BigInteger.valueOf(62));
			out.append(Base62.ALPHABET.charAt(qr[1].intValue()));
			rest = qr[0];
		}
		return out.reverse().toString();
	}
}
