package io.keyshift.throttle;

import java.util.function.LongSupplier;

/**
 * At most {@code permitsPerSecond} permits (users) per second across every thread that shares it.
 *
 * <p>A worker asks {@link #waitBeforeTurn()} before it starts a piece of work (a chunk), sleeps that
 * long, and {@link #book books} what the work used once it knows (a chunk's last page may be short,
 * or empty). Each booking moves the next free moment on by {@code permits / rate}, counted from
 * when that work started, or from the next free moment if that is later: so work that waited (a
 * pause, a slow database) earns no burst afterwards, and workers that run side by side take turns.
 * Over a run the rate is the limit, give or take the chunks in flight.
 */
public final class RateLimiter {

	private final double permitsPerSecond;

	private final LongSupplier nanoTime;

	private boolean booked;

	private long nextFree;

	/**
	 * @param permitsPerSecond the limit, above zero
	 * @param nanoTime the clock ({@code System::nanoTime}; a fake one in tests)
	 */
	public RateLimiter(double permitsPerSecond, LongSupplier nanoTime) {
		if (!(permitsPerSecond > 0) || Double.isInfinite(permitsPerSecond)) {
			throw new IllegalArgumentException("a rate limit is a number above zero, not " + permitsPerSecond);
		}
		this.permitsPerSecond = permitsPerSecond;
		this.nanoTime = nanoTime;
	}

	public double permitsPerSecond() {
		return permitsPerSecond;
	}

	/** Nanoseconds until the next piece of work may start; 0 when it may start now. Books nothing. */
	public synchronized long waitBeforeTurn() {
		return booked ? Math.max(0, nextFree - nanoTime.getAsLong()) : 0;
	}

	/** Records {@code permits} used by work that started at {@code startedAt} (a {@code nanoTime} reading). */
	public synchronized void book(long startedAt, long permits) {
		if (permits <= 0) {
			return;
		}
		long from = booked ? Math.max(nextFree, startedAt) : startedAt;
		nextFree = from + (long) Math.ceil(permits * 1e9 / permitsPerSecond);
		booked = true;
	}

	/** The clock this limiter reads, for the start times its callers book. */
	public long now() {
		return nanoTime.getAsLong();
	}
}
