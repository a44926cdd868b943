package io.keyshift.notify;

import java.time.Duration;

/**
 * When to try a failed notification again: {@code first} after the first failure, doubling with
 * each further failure, never more than {@code max} (by default 1 min, 2, 4, ... capped at 1 h).
 */
public record Backoff(Duration first, Duration max) {

	public static final Backoff DEFAULT = new Backoff(Duration.ofMinutes(1), Duration.ofHours(1));

	public Backoff {
		if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
			throw new IllegalArgumentException("backoff needs 0 < first <= max");
		}
	}

	/** The wait after the {@code attempts}-th failed attempt (1 for the first failure). */
	public Duration after(int attempts) {
		Duration delay = first;
		for (int i = 1; i < attempts && delay.compareTo(max) < 0; i++) {
			delay = delay.multipliedBy(2);
		}
		return delay.compareTo(max) > 0 ? max : delay;
	}
}
