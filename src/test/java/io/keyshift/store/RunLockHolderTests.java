package io.keyshift.store;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RunLockHolderTests {

	@Test
	void namesTheHolderWithItsStartToTheSecondInUtc() {
		RunLock.Holder holder = new RunLock.Holder("build-7", 4242,
				OffsetDateTime.of(2026, 11, 30, 15, 5, 7, 123_456_789, ZoneOffset.ofHours(2)), "migrate --input in");

		assertThat(holder.toString())
			.isEqualTo("host build-7, pid 4242, started 2026-11-30 13:05:07 UTC (migrate --input in)");
	}
}
