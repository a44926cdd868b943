package io.keyshift.notify;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PacerTests {

	/** Time that moves only when the pacer sleeps or the test says so. */
	private static final class FakeTime implements Pacer.Time {

		long now = 1_000_000_000L;

		final List<Long> sleeps = new ArrayList<>();

		@Override
		public long nanos() {
			return now;
		}

		@Override
		public void sleep(long nanos) {
			sleeps.add(nanos);
			now += Math.max(0, nanos);
		}

		void advanceMillis(long millis) {
			now += millis * 1_000_000L;
		}
	}

	@Test
	void withNoMaximumItNeverWaits() {
		FakeTime time = new FakeTime();
		Pacer pacer = new Pacer(null, time);
		for (int i = 0; i < 1000; i++) {
			pacer.acquire();
		}
		assertThat(time.now).isEqualTo(1_000_000_000L);
	}

	@Test
	void aMaximumOfTenASecondSpacesMessagesATenthOfASecondApart() {
		FakeTime time = new FakeTime();
		Pacer pacer = new Pacer(10.0, time);
		long start = time.now;
		for (int i = 0; i < 21; i++) {
			pacer.acquire();
		}
		// the first at once, then one every 100 ms: 20 intervals
		assertThat(time.now - start).isEqualTo(2_000_000_000L);
	}

	@Test
	void throttlingHalvesTheRateOncePerWaveAndItRecoversSlowlyToTheMaximum() {
		FakeTime time = new FakeTime();
		Pacer pacer = new Pacer(40.0, time);

		assertThat(pacer.slowDown()).isEqualTo(20.0);
		// every sender hears the same refusal: the same wave halves once
		assertThat(pacer.slowDown()).isNull();
		time.advanceMillis(1000);
		assertThat(pacer.slowDown()).isEqualTo(10.0);

		// 25 % more after each 5 s without throttling, never above the maximum
		time.advanceMillis(5000);
		pacer.acquire();
		assertThat(pacer.rate()).isEqualTo(12.5);
		time.advanceMillis(5000);
		pacer.acquire();
		assertThat(pacer.rate()).isEqualTo(15.625);
		for (int i = 0; i < 10; i++) {
			time.advanceMillis(5000);
			pacer.acquire();
		}
		assertThat(pacer.rate()).isEqualTo(40.0);
	}

	@Test
	void withNoMaximumThrottlingPacesAtHalfTheMeasuredRateUntilThatRateIsReachedAgain() {
		FakeTime time = new FakeTime();
		Pacer pacer = new Pacer(null, time);
		// 100 messages a second for 6 s
		for (int i = 0; i < 600; i++) {
			pacer.acquire();
			time.advanceMillis(10);
		}

		Double slower = pacer.slowDown();

		assertThat(slower).isBetween(45.0, 55.0);
		// recovers by 25 % steps: 50, 62.5, 78.1, 97.7, then no pacing (over the 100 that was throttled)
		for (int i = 0; i < 4; i++) {
			time.advanceMillis(5000);
			pacer.acquire();
		}
		assertThat(pacer.rate()).isEqualTo(Double.POSITIVE_INFINITY);
	}

	@Test
	void itNeverGoesBelowOneMessageEveryTenSeconds() {
		FakeTime time = new FakeTime();
		Pacer pacer = new Pacer(1.0, time);
		for (int i = 0; i < 20; i++) {
			pacer.slowDown();
			time.advanceMillis(1001);
		}
		assertThat(pacer.rate()).isEqualTo(Pacer.MIN_RATE);
	}
}
