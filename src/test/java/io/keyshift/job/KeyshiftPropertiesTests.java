package io.keyshift.job;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** keyshift.max-rate is checked however it was given, not only as --max-rate. */
class KeyshiftPropertiesTests {

	private static KeyshiftProperties withMaxRate(Double maxRate) {
		return new KeyshiftProperties(1000, Duration.ofSeconds(10), 0, List.of(), maxRate, null);
	}

	@Test
	void noLimitAndUsableLimitsPass() {
		assertThat(withMaxRate(null).maxRateProblem()).isNull();
		assertThat(withMaxRate(0.0).maxRateProblem()).isNull();
		assertThat(withMaxRate(0.01).maxRateProblem()).isNull();
		assertThat(withMaxRate(5000.0).maxRateProblem()).isNull();
	}

	@Test
	void aRateBelowTheFloorIsRefusedWithTheValueGiven() {
		assertThat(withMaxRate(0.001).maxRateProblem())
			.isEqualTo("keyshift.max-rate (KEYSHIFT_MAX_RATE, --max-rate) takes at least 0.01 users per second (one"
					+ " user every 100 s), or 0 for no limit, not 0.001");
	}

	@Test
	void aNegativeOrHugeRateIsRefused() {
		assertThat(withMaxRate(-5.0).maxRateProblem()).endsWith("0 (no limit) or more, not -5");
		assertThat(withMaxRate(2e8).maxRateProblem()).endsWith("0 (no limit) or more, not 200000000");
	}

	@Test
	void notANumberAndInfinityAreRefusedNotThrown() {
		assertThat(withMaxRate(Double.NaN).maxRateProblem()).endsWith("0 (no limit) or more, not NaN");
		assertThat(withMaxRate(Double.POSITIVE_INFINITY).maxRateProblem()).endsWith("0 (no limit) or more, not Infinity");
	}
}
