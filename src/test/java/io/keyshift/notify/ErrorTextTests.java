package io.keyshift.notify;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorTextTests {

	@Test
	void redactsTokenShapedStringsAndGivenSecretsAlongTheCauseChain() {
		String token = "dbtu_" + "x".repeat(49);
		Exception failure = new IllegalStateException("outer " + token,
				new RuntimeException("inner mentions s3cret-value\nand a second line"));

		String text = ErrorText.describe(failure, List.of("s3cret-value"));

		assertThat(text).doesNotContain(token, "dbtu_x", "s3cret-value", "\n")
			.contains("IllegalStateException: outer [redacted]", "caused by RuntimeException: inner mentions [redacted]");
	}

	@Test
	void cutsLongTextTo1000Characters() {
		assertThat(ErrorText.scrub("e".repeat(5000), List.of())).hasSize(1000);
	}
}
