package io.keyshift.token;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenSecretTests {

	private static final String VALUE = "dbtu_" + "k".repeat(43) + "Abc123";

	private final TokenSecret secret = new TokenSecret(VALUE);

	@Test
	void toStringIsRedactedEvenInsideOtherObjects() {
		assertThat(secret.toString()).isEqualTo("dbtu_…[redacted]").doesNotContain("kkkk").doesNotContain("c123");
		assertThat(Map.of("token", secret).toString()).doesNotContain("kkkk");
		assertThat(String.format("minted %s", secret)).doesNotContain("kkkk");
	}

	@Test
	void revealReturnsTheValue() {
		assertThat(secret.reveal()).isEqualTo(VALUE);
	}

	@Test
	void hintIsTheLastFourCharacters() {
		assertThat(secret.hint()).isEqualTo("c123");
	}

	@Test
	void digestIsLowercaseHexSha256OfTheValue() {
		assertThat(secret.digest()).isEqualTo(Digests.sha256Hex(VALUE)).matches("[0-9a-f]{64}");
		assertThat(Digests.matches(VALUE, secret.digest())).isTrue();
		assertThat(new TokenSecret("abc").digest())
			.isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	}

	@Test
	void equalsComparesValues() {
		assertThat(secret).isEqualTo(new TokenSecret(VALUE)).hasSameHashCodeAs(new TokenSecret(VALUE));
		assertThat(secret).isNotEqualTo(new TokenSecret(VALUE.replace('k', 'm')));
	}
}
