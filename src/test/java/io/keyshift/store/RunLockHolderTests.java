package io.keyshift.store;

import java.nio.file.Path;
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

	/**
	 * The holder file goes beside the database for every embedded URL migrate accepts (README,
	 * Configuration): with jdbc:h2:./data/k none was written, and status could not name the holder.
	 */
	@Test
	void theHolderFileSitsBesideEveryEmbeddedDatabase() {
		assertThat(RunLock.h2HolderFile("jdbc:h2:file:./data/keyshift;DB_CLOSE_ON_EXIT=FALSE"))
			.isEqualTo(Path.of("./data/keyshift.holder"));
		assertThat(RunLock.h2HolderFile("jdbc:h2:./data/k")).isEqualTo(Path.of("./data/k.holder"));
		assertThat(RunLock.h2HolderFile("jdbc:h2:/var/lib/keyshift/db;MODE=PostgreSQL"))
			.isEqualTo(Path.of("/var/lib/keyshift/db.holder"));
		assertThat(RunLock.h2HolderFile("jdbc:h2:~/k")).isEqualTo(Path.of(System.getProperty("user.home"), "k.holder"));
		assertThat(RunLock.h2HolderFile("jdbc:h2:mem:x")).isNull();
		assertThat(RunLock.h2HolderFile("jdbc:h2:tcp://db/x")).isNull();
		assertThat(RunLock.h2HolderFile("jdbc:postgresql://db/x")).isNull();
	}
}
