package io.keyshift.claim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClaimSecretTests {

	@Test
	void aSecretIs256RandomBitsInBase64UrlAndIsStoredAsItsSha256() throws Exception {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < 1000; i++) {
			ClaimSecret secret = ClaimSecret.random(new SecureRandom());
			String value = secret.reveal();
			assertThat(value).matches("[A-Za-z0-9_-]{43}");
			assertThat(Base64.getUrlDecoder().decode(value)).hasSize(32);
			assertThat(secret.digest()).isEqualTo(HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8))));
			assertThat(secret.toString()).doesNotContain(value);
			assertThat(seen.add(value)).isTrue();
		}
	}

	@Test
	void aPastedCodeMatchesWithSurroundingBlanksButNotWithAnyCharacterChanged() {
		ClaimSecret secret = ClaimSecret.random(new SecureRandom());
		String value = secret.reveal();
		assertThat(ClaimSecret.of("  " + value + "\n").matches(secret.digest())).isTrue();
		String changed = (value.charAt(0) == 'A' ? "B" : "A") + value.substring(1);
		assertThat(ClaimSecret.of(changed).matches(secret.digest())).isFalse();
		assertThat(ClaimSecret.of(value).matches("not hex")).isFalse();
	}

	@Test
	void optionsThatContradictEachOtherAreRefused() {
		assertThat(new ClaimOptions(true, List.of(2001L), false, false).problem(false)).contains("--mode token");
		assertThat(new ClaimOptions(false, List.of(), true, false).problem(false)).contains("--waive-key-check goes with");
		assertThat(new ClaimOptions(false, List.of(), false, true).problem(true)).contains("--dry-run");
		assertThat(new ClaimOptions(false, List.of(2001L), true, false).problem(false)).isNull();
	}

	@Test
	void linksNeedAnHttpBaseUrlWithoutQueryOrFragment() {
		assertThat(settings(null).problemForLinks()).contains("keyshift.claim.base-url");
		assertThat(settings("keys.example.com").problemForLinks()).contains("is not an http(s) address");
		assertThat(settings("https://keys.example.com/?a=b").problemForLinks()).contains("is not an http(s) address");
		assertThat(settings("ftp://keys.example.com").problemForLinks()).contains("is not an http(s) address");
		assertThat(settings("https://keys.example.com/").problemForLinks()).isNull();
		assertThat(settings("https://keys.example.com/").url(java.util.UUID.fromString(
				"7d4f2b9e-0c1a-4e8f-9b3d-2a6c5e1f0a9b"), "abc"))
			.isEqualTo("https://keys.example.com/claim/7d4f2b9e-0c1a-4e8f-9b3d-2a6c5e1f0a9b#abc");
	}

	private static ClaimSettings settings(String baseUrl) {
		return new ClaimSettings(baseUrl, java.time.Duration.ofDays(14), 5, "it", 10);
	}
}
