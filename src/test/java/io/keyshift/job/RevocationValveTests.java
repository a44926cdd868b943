package io.keyshift.job;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RevocationValveTests {

	@Test
	void theDefaultLimitIsTheLargerOfTenAndFivePercentRoundedDown() {
		assertThat(RevocationValve.defaultLimit(0)).isEqualTo(10);
		assertThat(RevocationValve.defaultLimit(21)).isEqualTo(10);
		assertThat(RevocationValve.defaultLimit(219)).isEqualTo(10);
		assertThat(RevocationValve.defaultLimit(220)).isEqualTo(11);
		assertThat(RevocationValve.defaultLimit(4_913)).isEqualTo(245);
		assertThat(RevocationValve.defaultLimit(1_000_000)).isEqualTo(50_000);
	}

	@Test
	void theStopMessageIsOneLineNamingTheCountTheLimitAndTheOption() {
		String byDefault = RevocationValve.message(15, 10, 21, false);
		assertThat(byDefault).doesNotContain("\n")
			.startsWith("keyshift: this run would revoke 15 personal access tokens, more than the limit of 10 (the"
					+ " default of --max-revocations: the larger of 10 and 5% of the 21 ACTIVE tokens")
			.contains("Nothing was changed")
			.endsWith("rerun with --max-revocations 15.");
		assertThat(RevocationValve.message(15, 12, 21, true)).contains("limit of 12 (--max-revocations 12)");
	}

	@Test
	void countsHaveThousandsSeparatorsAsTheProgressLinesDoButTheOptionValuesAreAsTyped() {
		assertThat(RevocationValve.message(12_345, 1_000, 20_000, false))
			.startsWith("keyshift: this run would revoke 12,345 personal access tokens, more than the limit of 1,000"
					+ " (the default of --max-revocations: the larger of 10 and 5% of the 20,000 ACTIVE tokens")
			.endsWith("rerun with --max-revocations 12345.");
		assertThat(RevocationValve.message(12_345, 2_000, 20_000, true)).contains("limit of 2,000 (--max-revocations 2000)");
	}
}
