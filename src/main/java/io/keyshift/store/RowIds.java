package io.keyshift.store;

import java.security.SecureRandom;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Row ids for tokens and notifications: version 7 UUIDs (RFC 9562), a millisecond timestamp
 * followed by a counter and random bits. Ids made later sort later, so a million new rows land at
 * the right edge of their primary key index instead of on random pages all over it (random UUIDs
 * make every insert touch a cold page, and PostgreSQL then logs whole pages after each checkpoint).
 * Unique across processes through 62 random bits; strictly increasing within one process.
 */
public final class RowIds {

	private static final SecureRandom RANDOM = new SecureRandom();

	private static final RowIds PROCESS = new RowIds();

	/** The last (timestamp << 12 | counter) handed out, so ids within one millisecond still increase. */
	private final AtomicLong last = new AtomicLong();

	RowIds() {
	}

	/** The next id of this process. */
	public static UUID next() {
		return PROCESS.at(System.currentTimeMillis());
	}

	UUID at(long epochMillis) {
		long candidate = (epochMillis & 0xFFFF_FFFF_FFFFL) << 12;
		long stamp = last.accumulateAndGet(candidate, (last, now) -> Math.max(last + 1, now));
		long msb = (stamp >>> 12) << 16 | 0x7000L | (stamp & 0xFFFL);
		long lsb = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
		return new UUID(msb, lsb);
	}
}
