package io.keyshift.token;

import java.math.BigInteger;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenMinterTests {

	private static final Pattern SCANNER = Pattern.compile("\\bdbtu_[0-9A-Za-z]{49}\\b");

	private final TokenMinter minter = new TokenMinter();

	@Test
	void mintedTokenMatchesTheScannerPatternAndItsChecksumVerifies() {
		String token = minter.mint().reveal();
		assertThat(token).hasSize(54).startsWith("dbtu_");
		assertThat(SCANNER.matcher("found " + token + " in a log").find()).isTrue();
		assertThat(TokenMinter.isWellFormed(token)).isTrue();
	}

	@Test
	void aOneCharacterTypoFailsTheChecksum() {
		String token = minter.mint().reveal();
		char c = token.charAt(20);
		String typo = token.substring(0, 20) + (c == 'a' ? 'b' : 'a') + token.substring(21);
		assertThat(TokenMinter.isWellFormed(typo)).isFalse();
		assertThat(TokenMinter.isWellFormed(token.substring(1))).isFalse();
		assertThat(TokenMinter.isWellFormed("dbtx_" + token.substring(5))).isFalse();
	}

	@Test
	void tokensAreDistinct() {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < 10_000; i++) {
			seen.add(minter.mint().reveal());
		}
		assertThat(seen).hasSize(10_000);
	}

	@Test
	void base62RoundTripsTheWholeRangeAtFixedWidth() {
		BigInteger max = BigInteger.TWO.pow(256).subtract(BigInteger.ONE);
		assertThat(Base62.encode(BigInteger.ZERO, 43)).isEqualTo("0".repeat(43));
		assertThat(Base62.encode(max, 43)).hasSize(43);
		assertThat(Base62.decode(Base62.encode(max, 43))).isEqualTo(max);
		assertThat(Base62.encode(61, 2)).isEqualTo("0z");
		assertThat(Base62.encode(0xFFFFFFFFL, 6)).hasSize(6);
	}

	@Test
	void secretNeverShowsItselfInToString() {
		TokenSecret secret = minter.mint();
		assertThat(secret.toString()).doesNotContain(secret.reveal().substring(5, 20)).contains("redacted");
		assertThat(String.valueOf(java.util.List.of(secret))).doesNotContain(secret.reveal());
	}

	@Test
	void digestAndHintDescribeTheValue() {
		TokenSecret secret = minter.mint();
		assertThat(secret.hint()).isEqualTo(secret.reveal().substring(50));
		assertThat(Digests.matches(secret.reveal(), secret.digest())).isTrue();
		assertThat(Digests.matches(secret.reveal() + "x", secret.digest())).isFalse();
		assertThat(Digests.matches(secret.reveal(), "not-hex")).isFalse();
		assertThat(secret.digest()).matches("[0-9a-f]{64}");
	}
}
