package io.keyshift.job;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HeartbeatTests {

	@Test
	void saysHowLongWorkThatCannotCountHasRunEveryIntervalUntilClosed() throws InterruptedException {
		List<Duration> lines = new CopyOnWriteArrayList<>();
		try (Heartbeat heartbeat = Heartbeat.every(Duration.ofMillis(100), lines::add)) {
			Thread.sleep(550);
		}
		int atClose = lines.size();
		Thread.sleep(300);

		// about five lines in 550 ms at 100 ms: at least three even on a busy machine, none after close
		assertThat(atClose).isBetween(3, 6);
		assertThat(lines).hasSize(atClose);
		assertThat(lines.get(0)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
		assertThat(lines).isSorted();
	}
}
