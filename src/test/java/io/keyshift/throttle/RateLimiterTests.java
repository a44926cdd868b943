package io.keyshift.throttle;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RateLimiterTests {

	private static final long SECOND = 1_000_000_000L;

	private final AtomicLong clock = new AtomicLong(5 * SECOND);

	private final RateLimiter limiter = new RateLimiter(100, clock::get);

	@Test
	void firstChunkStartsAtOnce() {
		assertThat(limiter.waitBeforeTurn()).isZero();
	}

	@Test
	void oneWorkerDoingInstantChunksIsSpacedToTheRate() {
		// 1,000 users in chunks of 50 at 100/s: chunk k may start at k * 0.5 s, the whole in 10 s
		long start = clock.get();
		for (int chunk = 0; chunk < 20; chunk++) {
			clock.addAndGet(limiter.waitBeforeTurn());
			assertThat(clock.get() - start).isEqualTo(chunk * SECOND / 2);
			limiter.book(clock.get(), 50);
		}
		clock.addAndGet(limiter.waitBeforeTurn());
		assertThat(clock.get() - start).isEqualTo(10 * SECOND);
	}

	@Test
	void workTakingLongerThanItsShareIsNotHeldBack() {
		long started = clock.get();
		clock.addAndGet(2 * SECOND); // 50 users in 2 s: slower than 100/s
		limiter.book(started, 50);
		assertThat(limiter.waitBeforeTurn()).isZero();
	}

	@Test
	void timeSpentWaitingEarnsNoBurst() {
		limiter.book(clock.get(), 100); // next free in 1 s
		clock.addAndGet(60 * SECOND); // a long pause
		long resumed = clock.get();
		assertThat(limiter.waitBeforeTurn()).isZero();
		limiter.book(resumed, 100);
		// the next 100 wait their full second: nothing saved up during the pause
		assertThat(limiter.waitBeforeTurn()).isEqualTo(SECOND);
	}

	@Test
	void workersSideBySideShareTheRate() {
		// two workers start together, each writes 50 users in 0.1 s
		long t0 = clock.get();
		assertThat(limiter.waitBeforeTurn()).isZero();
		clock.addAndGet(SECOND / 10);
		limiter.book(t0, 50);
		limiter.book(t0, 50);
		// 100 users booked from t0: the next chunk of either worker starts at t0 + 1 s
		assertThat(clock.get() + limiter.waitBeforeTurn()).isEqualTo(t0 + SECOND);
	}

	@Test
	void manyInterleavedWorkersHoldTheRateOverARun() {
		// three workers, chunks of 40 taking 0.05 s each, 6,000 users: 60 s at 100/s, within a chunk per worker
		long t0 = clock.get();
		long[] nextStart = { t0, t0, t0 };
		long[] startedAt = new long[3];
		long users = 0;
		int worker = 0;
		while (users < 6_000) {
			worker = earliest(nextStart);
			clock.set(Math.max(clock.get(), nextStart[worker]));
			long wait = limiter.waitBeforeTurn();
			if (wait > 0) {
				nextStart[worker] = clock.get() + wait;
				continue;
			}
			startedAt[worker] = clock.get();
			limiter.book(startedAt[worker], 40);
			users += 40;
			nextStart[worker] = clock.get() + SECOND / 20;
		}
		double seconds = (clock.get() - t0) / 1e9;
		// the last chunk started at most 3 chunks (120 users, 1.2 s) early
		assertThat(seconds).isBetween(60.0 - 1.2 - 0.4, 60.0);
	}

	@Test
	void aShortLastChunkBooksOnlyWhatItUsed() {
		limiter.book(clock.get(), 7);
		assertThat(limiter.waitBeforeTurn()).isEqualTo(70_000_000L);
		limiter.book(clock.get(), 0); // an empty chunk (the range was done) costs nothing
		assertThat(limiter.waitBeforeTurn()).isEqualTo(70_000_000L);
	}

	@Test
	void refusesARateThatIsNoLimit() {
		assertThatIllegalArgumentException().isThrownBy(() -> new RateLimiter(0, clock::get));
		assertThatIllegalArgumentException().isThrownBy(() -> new RateLimiter(-5, clock::get));
		assertThatIllegalArgumentException().isThrownBy(() -> new RateLimiter(Double.NaN, clock::get));
		assertThatIllegalArgumentException().isThrownBy(() -> new RateLimiter(Double.POSITIVE_INFINITY, clock::get));
	}

	private static int earliest(long[] times) {
		int best = 0;
		for (int i = 1; i < times.length; i++) {
			if (times[i] < times[best]) {
				best = i;
			}
		}
		return best;
	}
}
