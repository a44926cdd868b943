package io.keyshift.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RowIdsTests {

	@Test
	void areVersion7WithTheRfcVariant() {
		UUID id = RowIds.next();
		assertThat(id.version()).isEqualTo(7);
		assertThat(id.variant()).isEqualTo(2);
	}

	@Test
	void carryTheirMillisecondInTheFirst48Bits() {
		long millis = 1_795_000_000_123L;
		UUID id = new RowIds().at(millis);
		assertThat(id.getMostSignificantBits() >>> 16).isEqualTo(millis);
	}

	@Test
	void increaseInPostgresOrderEvenWithinOneMillisecond() {
		List<UUID> ids = new ArrayList<>();
		RowIds rowIds = new RowIds();
		long now = System.currentTimeMillis();
		for (int i = 0; i < 10_000; i++) {
			ids.add(rowIds.at(now));
		}
		ids.add(rowIds.at(now + 1));
		// PostgreSQL compares uuids as unsigned bytes: the same order as their text form
		for (int i = 1; i < ids.size(); i++) {
			assertThat(ids.get(i).toString()).isGreaterThan(ids.get(i - 1).toString());
		}
		assertThat(new HashSet<>(ids)).hasSize(ids.size());
	}
}
