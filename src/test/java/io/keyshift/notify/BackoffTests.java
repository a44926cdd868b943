package io.keyshift.notify;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTests {

	@Test
	void doublesFromOneMinuteAndStopsAtOneHour() {
		Backoff b = Backoff.DEFAULT;

		assertThat(b.after(1)).isEqualTo(Duration.ofMinutes(1));
		assertThat(b.after(2)).isEqualTo(Duration.ofMinutes(2));
		assertThat(b.after(3)).isEqualTo(Duration.ofMinutes(4));
		assertThat(b.after(6)).isEqualTo(Duration.ofMinutes(32));
		assertThat(b.after(7)).isEqualTo(Duration.ofHours(1));
		assertThat(b.after(1_000_000)).isEqualTo(Duration.ofHours(1));
	}

	@Test
	void refusesAMaximumBelowTheFirstWait() {
		assertThatThrownBy(() -> new Backoff(Duration.ofMinutes(5), Duration.ofMinutes(1)))
			.isInstanceOf(IllegalArgumentException.class);
	}
}
