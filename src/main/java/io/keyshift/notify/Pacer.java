package io.keyshift.notify;

import java.time.Duration;
import java.util.Locale;

/**
 * Paces the senders of one delivery: a token bucket holding one token, refilled at the current rate
 * (messages per second across all senders), so messages leave evenly spaced and never faster than
 * {@code keyshift.mail.max-rate}. With no maximum, it does not pace until the server throttles.
 *
 * <p>When the mail server throttles (421, 451, 454), {@link #slowDown()} halves the rate (at most
 * once per {@link #SLOW_DOWN_QUIET}, since every sender hears the same refusal at once; with no
 * maximum, half the rate measured over the last seconds). It then recovers slowly: after each
 * {@link #RECOVER_EVERY} without a throttling reply, 25 % more, up to the maximum (with no maximum,
 * pacing stops once the rate that was throttled is reached again).
 */
final class Pacer {

	/** A clock and a sleep, so that a test can run time. */
	interface Time {

		long nanos();

		void sleep(long nanos) throws InterruptedException;

		Time SYSTEM = new Time() {
			@Override
			public long nanos() {
				return System.nanoTime();
			}

			@Override
			public void sleep(long nanos) throws InterruptedException {
				if (nanos > 0) {
					Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
				}
			}
		};
	}

	static final Duration SLOW_DOWN_QUIET = Duration.ofSeconds(1);

	static final Duration RECOVER_EVERY = Duration.ofSeconds(5);

	/** With no maximum and no rate measured yet, throttling is taken to have started at this rate. */
	static final double UNMEASURED_RATE = 10;

	/** The slowest it goes: one message every ten seconds. */
	static final double MIN_RATE = 0.1;

	private static final long SECOND = 1_000_000_000L;

	private final double maxRate;

	private final Time time;

	/** Messages per second now; infinite while not pacing. */
	private double rate;

	/** The rate that was throttled, with no maximum: pacing stops when it is reached again. */
	private double throttledAt;

	/** When the next token is there. */
	private long next;

	private long lastSlowDown;

	private long lastChange;

	private boolean slowedDown;

	/** Messages let through in the current and the previous measuring window (to measure a rate). */
	private long windowStart;

	private long inWindow;

	private double previousWindowRate;

	/** @param maxRate messages per second across all senders, or null for no limit */
	Pacer(Double maxRate, Time time) {
		if (maxRate != null && !(maxRate > 0)) {
			throw new IllegalArgumentException("the maximum rate must be positive");
		}
		this.maxRate = maxRate == null ? Double.POSITIVE_INFINITY : maxRate;
		this.time = time;
		this.rate = this.maxRate;
		long now = time.nanos();
		this.next = now;
		this.windowStart = now;
		this.lastChange = now;
	}

	/** Waits until this sender may send one message (an interrupt ends the wait, and is kept). */
	void acquire() {
		long wait;
		synchronized (this) {
			long now = time.nanos();
			recover(now);
			count(now);
			if (Double.isInfinite(rate)) {
				return;
			}
			long interval = (long) (SECOND / rate);
			long slot = Math.max(next, now);
			next = slot + interval;
			wait = slot - now;
		}
		try {
			time.sleep(wait);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * The server throttled: halve the rate. Returns the new rate, or null when it was halved less
	 * than {@link #SLOW_DOWN_QUIET} ago (the same wave of refusals).
	 */
	synchronized Double slowDown() {
		long now = time.nanos();
		if (slowedDown && now - lastSlowDown < SLOW_DOWN_QUIET.toNanos()) {
			return null;
		}
		if (Double.isInfinite(rate)) {
			throttledAt = Math.max(measured(now), UNMEASURED_RATE);
			rate = throttledAt;
		}
		rate = Math.max(MIN_RATE, rate / 2);
		slowedDown = true;
		lastSlowDown = now;
		lastChange = now;
		next = Math.max(next, now + (long) (SECOND / rate));
		return rate;
	}

	/** Messages per second now; infinite while not pacing. */
	synchronized double rate() {
		return rate;
	}

	private void recover(long now) {
		if (!slowedDown || now - lastChange < RECOVER_EVERY.toNanos()) {
			return;
		}
		lastChange = now;
		rate = rate * 1.25;
		if (Double.isInfinite(maxRate) && rate >= throttledAt) {
			rate = Double.POSITIVE_INFINITY;
			slowedDown = false;
		}
		else if (rate >= maxRate) {
			rate = maxRate;
			slowedDown = false;
		}
	}

	private void count(long now) {
		if (now - windowStart >= 5 * SECOND) {
			previousWindowRate = inWindow * (double) SECOND / (now - windowStart);
			windowStart = now;
			inWindow = 0;
		}
		inWindow++;
	}

	/** The rate of the last few seconds. */
	private double measured(long now) {
		long elapsed = now - windowStart;
		double current = elapsed < SECOND / 2 ? 0 : inWindow * (double) SECOND / elapsed;
		return Math.max(current, previousWindowRate);
	}

	static String words(double rate) {
		return Double.isInfinite(rate) ? "no limit" : String.format(Locale.ROOT, "%.1f messages/s", rate);
	}
}
