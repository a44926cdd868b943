package io.keyshift.job;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTests {

	private final AtomicLong clock = new AtomicLong();

	private final Progress progress = new Progress("migrate: users", Duration.ofSeconds(10), clock::get);

	@Test
	void showsDoneTotalRateAndEta() {
		progress.begin(1_000_000, 0);
		progress.advance(100_000);
		clock.set(Duration.ofSeconds(10).toNanos());
		assertThat(progress.line(clock.get())).isEqualTo("migrate: users: 100,000 / 1,000,000 (10%), 10,000/s, ETA 1m30s");
	}

	@Test
	void aPausedStepSaysPausedInsteadOfRateAndEtaUntilItGoesOn() {
		progress.begin(1_000, 0);
		progress.advance(250);
		clock.set(Duration.ofSeconds(5).toNanos());
		progress.pause("paused: remove /tmp/pause to resume");
		clock.set(Duration.ofSeconds(65).toNanos());
		assertThat(progress.line(clock.get())).isEqualTo("migrate: users: 250 / 1,000 (25%), paused: remove /tmp/pause to resume");
		progress.pause(null);
		// the minute paused is not work: 250 users in the 5 s worked, not in 65 s (4/s)
		assertThat(progress.line(clock.get())).isEqualTo("migrate: users: 250 / 1,000 (25%), 50/s, ETA 15s");
		progress.advance(50);
		clock.set(Duration.ofSeconds(66).toNanos());
		assertThat(progress.line(clock.get())).isEqualTo("migrate: users: 300 / 1,000 (30%), 50/s, ETA 14s");
		assertThat(progress.rate()).isEqualTo(50.0);
	}

	@Test
	void aResumedRunCountsWhatWasDoneBeforeButRatesOnlyItsOwnWork() {
		progress.begin(1_000, 600);
		progress.advance(100);
		clock.set(Duration.ofSeconds(1).toNanos());
		assertThat(progress.line(clock.get())).isEqualTo("migrate: users: 700 / 1,000 (70%), 100/s, ETA 3s");
		assertThat(progress.done()).isEqualTo(700);
	}

	@Test
	void partitionsAdvanceOneSharedCount() throws InterruptedException {
		progress.begin(20_000, 0);
		Thread a = new Thread(() -> {
			for (int i = 0; i < 10_000; i++) {
				progress.advance(1);
			}
		});
		Thread b = new Thread(() -> {
			for (int i = 0; i < 10_000; i++) {
				progress.advance(1);
			}
		});
		a.start();
		b.start();
		a.join();
		b.join();
		assertThat(progress.done()).isEqualTo(20_000);
	}

	@Test
	void showsInputBytesInMegabytes() {
		Progress load = new Progress("load", Duration.ofSeconds(10), clock::get, true);
		load.begin(340_000_000, 0);
		load.advanceTo(85_000_000);
		clock.set(Duration.ofSeconds(5).toNanos());
		assertThat(load.line(clock.get())).isEqualTo("load: 85 MB / 340 MB (25%), 17.0 MB/s, ETA 15s");
	}

	@Test
	void formatsLongEtasInHoursAndMinutes() {
		assertThat(Progress.format(Duration.ofSeconds(3 * 3600 + 5 * 60 + 7))).isEqualTo("3h05m");
		assertThat(Progress.format(Duration.ofSeconds(59))).isEqualTo("59s");
	}
}
