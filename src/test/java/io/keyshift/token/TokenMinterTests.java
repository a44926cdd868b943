package io.keyshift.token;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenMinterTests {

	/** The pattern from SPEC §4, as a secret scanner would use it. */
	private static final Pattern SCANNER = Pattern.compile("\\bdbtu_[0-9A-Za-z]{49}\\b");

	private final TokenMinter minter = new TokenMinter();

	@Test
	void mintedTokenMatchesTheScannerPattern() {
		String token = minter.mint().reveal();
		assertThat(token).hasSize(54).startsWith("dbtu_");
		assertThat(SCANNER.matcher(token).matches()).isTrue();
		assertThat(SCANNER.matcher("Authorization: Bearer " + token + "\n").find()).isTrue();
	}

	@Test
	void mintedTokenIsWellFormed() {
		for (int i = 0; i < 1_000; i++) {
			assertThat(TokenMinter.isWellFormed(minter.mint().reveal())).isTrue();
		}
	}

	@Test
	void lastSixCharactersAreTheBase62Crc32OfTheFortyThreeBeforeThem() {
		String token = minter.mint().reveal();
		String body = token.substring(5, 48);
		CRC32 crc = new CRC32();
		crc.update(body.getBytes(StandardCharsets.US_ASCII));
		assertThat(Base62.decode(token.substring(48)).longValue()).isEqualTo(crc.getValue());
	}

	@Test
	void bodyEncodesExactlyTheThirtyTwoRandomBytes() {
		byte[] drawn = new byte[32];
		Arrays.fill(drawn, (byte) 0xA5);
		String token = new TokenMinter(fixed(drawn)).mint().reveal();
		assertThat(Base62.decode(token.substring(5, 48))).isEqualTo(new BigInteger(1, drawn));
	}

	@Test
	void allZeroAndAllOneRandomBytesStillMakeFullLengthWellFormedTokens() {
		String zeros = new TokenMinter(fixed(new byte[32])).mint().reveal();
		assertThat(zeros).startsWith("dbtu_" + "0".repeat(43)).hasSize(54);
		assertThat(TokenMinter.isWellFormed(zeros)).isTrue();
		byte[] ones = new byte[32];
		Arrays.fill(ones, (byte) 0xFF);
		String max = new TokenMinter(fixed(ones)).mint().reveal();
		assertThat(max).hasSize(54).matches(SCANNER.pattern());
		assertThat(TokenMinter.isWellFormed(max)).isTrue();
	}

	@Test
	void aOneCharacterTypoAnywhereAfterThePrefixFailsTheChecksum() {
		String token = minter.mint().reveal();
		for (int i = 5; i < token.length(); i++) {
			char c = token.charAt(i);
			String typo = token.substring(0, i) + (c == 'a' ? 'b' : 'a') + token.substring(i + 1);
			assertThat(TokenMinter.isWellFormed(typo)).as("typo at %d", i).isFalse();
		}
	}

	@Test
	void swappingTwoDifferentAdjacentCharactersFailsTheChecksum() {
		String token = minter.mint().reveal();
		int i = 10;
		while (token.charAt(i) == token.charAt(i + 1)) {
			i++;
		}
		String swapped = token.substring(0, i) + token.charAt(i + 1) + token.charAt(i) + token.substring(i + 2);
		assertThat(TokenMinter.isWellFormed(swapped)).isFalse();
	}

	@Test
	void wrongPrefixLengthOrAlphabetIsNotWellFormed() {
		String token = minter.mint().reveal();
		assertThat(TokenMinter.isWellFormed("dbtx_" + token.substring(5))).isFalse();
		assertThat(TokenMinter.isWellFormed("DBTU_" + token.substring(5))).isFalse();
		assertThat(TokenMinter.isWellFormed(token.substring(1))).isFalse();
		assertThat(TokenMinter.isWellFormed(token + "0")).isFalse();
		assertThat(TokenMinter.isWellFormed(" " + token)).isFalse();
		assertThat(TokenMinter.isWellFormed(token.substring(0, 20) + "-" + token.substring(21))).isFalse();
		assertThat(TokenMinter.isWellFormed(token.substring(0, 20) + "é" + token.substring(21))).isFalse();
		assertThat(TokenMinter.isWellFormed("")).isFalse();
		assertThat(TokenMinter.isWellFormed(null)).isFalse();
	}

	/*
	 * Test vectors computed outside this code base (Python's zlib.crc32 of the body's ASCII bytes, written
	 * in base62 with the alphabet 0-9A-Za-z, zero-padded to 6 digits), so a checksum that drifts from the
	 * spec fails here even though the minter and isWellFormed would still agree with each other.
	 */
	@Test
	void checksumMatchesIndependentlyComputedVectors() {
		assertThat(TokenMinter.checksum("0".repeat(43))).isEqualTo("2CZclj"); // CRC32 0x7849568F
		assertThat(TokenMinter.checksum("Z".repeat(43))).isEqualTo("4BDYuQ"); // CRC32 0xE44DCAFA
		assertThat(TokenMinter.checksum("z".repeat(43))).isEqualTo("0UsatS"); // CRC32 0x1B329C2E, zero-padded
		assertThat(TokenMinter.checksum("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefg")).isEqualTo("37cCQ0"); // 0xAA866F5C
	}

	@Test
	void wholeTokensMatchIndependentlyComputedVectors() {
		byte[] a5 = new byte[32];
		Arrays.fill(a5, (byte) 0xA5);
		assertThat(new TokenMinter(fixed(a5)).mint().reveal())
			.isEqualTo("dbtu_dHMOUNLh0UTx6gmQ9MHQdRUvZdbXMLLlzChlYYN1shx3cII24");
		byte[] counting = new byte[32];
		for (int i = 0; i < counting.length; i++) {
			counting[i] = (byte) i;
		}
		String token = new TokenMinter(fixed(counting)).mint().reveal();
		assertThat(token).isEqualTo("dbtu_003aUlTJC7tjlCTQj2uNU3MFagCXG9LRKRcwGkBIDlf1Yo7hP");
		assertThat(TokenMinter.isWellFormed(token)).isTrue();
		assertThat(TokenMinter.isWellFormed(token.substring(0, 48) + "1Yo7hQ")).isFalse();
	}

	@Test
	void anyBodyFollowedByItsOwnChecksumIsWellFormed() {
		String body = "Z".repeat(43);
		assertThat(TokenMinter.isWellFormed("dbtu_" + body + TokenMinter.checksum(body))).isTrue();
	}

	@Test
	void tenThousandMintedTokensAreDistinct() {
		Set<String> seen = new java.util.HashSet<>();
		for (int i = 0; i < 10_000; i++) {
			seen.add(minter.mint().reveal());
		}
		assertThat(seen).hasSize(10_000);
	}

	@Test
	void oneMinterSharedByManyThreadsMintsDistinctWellFormedTokens() {
		Set<String> seen = ConcurrentHashMap.newKeySet();
		IntStream.range(0, 20_000).parallel().forEach(i -> seen.add(minter.mint().reveal()));
		assertThat(seen).hasSize(20_000).allMatch(TokenMinter::isWellFormed);
	}

	@Test
	void mintedTokenNeverShowsInToString() {
		TokenSecret secret = minter.mint();
		assertThat(secret.toString()).isEqualTo("dbtu_…[redacted]");
		assertThat(String.valueOf(List.of(secret))).doesNotContain(secret.reveal().substring(5));
	}

	/** A SecureRandom that always yields {@code bytes}, so a token's body is known in advance. */
	private static SecureRandom fixed(byte[] bytes) {
		return new SecureRandom() {
			@Override
			public void nextBytes(byte[] out) {
				System.arraycopy(bytes, 0, out, 0, out.length);
			}
		};
	}
}
