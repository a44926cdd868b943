package io.keyshift.token;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DigestsTests {

	/** FIPS 180-2's test vector for "abc". */
	private static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

	@Test
	void sha256HexMatchesTheStandardTestVectors() {
		assertThat(Digests.sha256Hex("abc")).isEqualTo(ABC);
		assertThat(Digests.sha256Hex(""))
			.isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
		assertThat(Digests.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII))).isEqualTo(ABC);
	}

	@Test
	void stringsAreDigestedAsUtf8() {
		assertThat(Digests.sha256Hex("clé")).isEqualTo(Digests.sha256Hex("clé".getBytes(StandardCharsets.UTF_8)))
			.isNotEqualTo(Digests.sha256Hex("clé".getBytes(StandardCharsets.ISO_8859_1)));
	}

	@Test
	void matchesTheDigestOfTheSameToken() {
		assertThat(Digests.matches("abc", ABC)).isTrue();
		assertThat(Digests.matches("abc", ABC.toUpperCase())).isTrue();
	}

	@Test
	void doesNotMatchAnotherTokenOrAMalformedDigest() {
		assertThat(Digests.matches("abd", ABC)).isFalse();
		assertThat(Digests.matches("abc ", ABC)).isFalse();
		assertThat(Digests.matches("abc", ABC.substring(0, 62))).isFalse();
		assertThat(Digests.matches("abc", ABC + "00")).isFalse();
		assertThat(Digests.matches("abc", "not-hex")).isFalse();
		assertThat(Digests.matches("abc", "")).isFalse();
		assertThat(Digests.matches("abc", null)).isFalse();
		assertThat(Digests.matches(null, ABC)).isFalse();
	}

	@Test
	void hintIsTheLastFourCharactersOrAllOfAShorterSecret() {
		assertThat(Digests.hint("sk_live_12345678")).isEqualTo("5678");
		assertThat(Digests.hint("abcd")).isEqualTo("abcd");
		assertThat(Digests.hint("ab")).isEqualTo("ab");
		assertThat(Digests.hint("")).isEmpty();
	}

	@Test
	void hintIsTheLastFourCodePointsNeverHalfAnEmoji() {
		assertThat(Digests.hint("ak_0123456789abc\uD83D\uDD11")).isEqualTo("abc\uD83D\uDD11"); // ...abc🔑
		assertThat(Digests.hint("ak_01234\uD83D\uDD11\uD83D\uDD11\uD83D\uDD11\uD83D\uDD11"))
			.isEqualTo("\uD83D\uDD11".repeat(4));
		assertThat(Digests.hint("x\uD83D\uDD11")).isEqualTo("x\uD83D\uDD11");
	}
}
