package io.keyshift.job;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A sign of life for work that cannot count its progress (one long SQL statement over the whole
 * export): every {@code interval} until closed, it hands the time elapsed so far to {@code line}, so
 * that an operator never waits longer than the progress interval for a line.
 */
final class Heartbeat implements AutoCloseable {

	private final ScheduledExecutorService timer;

	private Heartbeat(Duration interval, Consumer<Duration> line) {
		long started = System.nanoTime();
		this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
			Thread thread = new Thread(task, "keyshift-heartbeat");
			thread.setDaemon(true);
			return thread;
		});
		long every = Math.max(1, interval.toMillis());
		timer.scheduleAtFixedRate(() -> line.accept(Duration.ofNanos(System.nanoTime() - started)), every, every,
				TimeUnit.MILLISECONDS);
	}

	static Heartbeat every(Duration interval, Consumer<Duration> line) {
		return new Heartbeat(interval, line);
	}

	@Override
	public void close() {
		timer.shutdownNow();
	}
}
