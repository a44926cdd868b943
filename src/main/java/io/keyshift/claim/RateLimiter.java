package io.keyshift.claim;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests per client per minute (a fixed window per client): enough to stop a script from trying
 * codes or keys, far above what a person does. In memory, per serve process.
 */
final class RateLimiter {

	/** Beyond this many clients, the windows of earlier minutes are dropped. */
	private static final int MAX_CLIENTS = 100_000;

	private record Window(long minute, int count) {
	}

	private final int perMinute;

	private final Clock clock;

	private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

	RateLimiter(int perMinute, Clock clock) {
		this.perMinute = perMinute;
		this.clock = clock;
	}

	/** Counts a request of {@code client}; false when it is over the limit this minute. */
	boolean allow(String client) {
		long minute = clock.millis() / 60_000;
		Window window = windows.compute(client, (key, old) -> old == null || old.minute() != minute
				? new Window(minute, 1) : new Window(minute, old.count() + 1));
		if (windows.size() > MAX_CLIENTS) {
			windows.values().removeIf(w -> w.minute() != minute);
		}
		return window.count() <= perMinute;
	}

	/** Seconds until the current window ends. */
	long retryAfterSeconds() {
		return 60 - (clock.millis() / 1000) % 60;
	}
}
