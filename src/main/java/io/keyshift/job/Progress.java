package io.keyshift.job;

import java.time.Duration;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prints how far a step is: done / total, rate and ETA, at most every {@code interval} and at least
 * whenever work advances after it has passed, so an operator never waits long for a sign of life.
 */
public class Progress {

	private static final Logger log = LoggerFactory.getLogger("keyshift.progress");

	private final String what;

	private final long intervalNanos;

	private final LongSupplier nanoTime;

	private long total;

	private long startedAt;

	private long doneBefore;

	private long done;

	private long lastPrintedAt;

	public Progress(String what, Duration interval) {
		this(what, interval, System::nanoTime);
	}

	Progress(String what, Duration interval, LongSupplier nanoTime) {
		this.what = what;
		this.intervalNanos = interval.toNanos();
		this.nanoTime = nanoTime;
		begin(0, 0);
	}

	/**
	 * Starts counting: {@code total} items, of which {@code doneBefore} were done by an earlier
	 * process (a resumed run); the rate counts only this process's work. Shared by the partitions of
	 * a step, which all {@link #advance} the same count.
	 */
	public synchronized void begin(long total, long doneBefore) {
		this.total = total;
		this.doneBefore = doneBefore;
		this.done = doneBefore;
		this.startedAt = nanoTime.getAsLong();
		this.lastPrintedAt = startedAt;
	}

	public synchronized void advance(long count) {
		done += count;
		long now = nanoTime.getAsLong();
		if (now - lastPrintedAt >= intervalNanos) {
			lastPrintedAt = now;
			log.info(line(now));
		}
	}

	public synchronized long done() {
		return done;
	}

	/** Users per second in this process (a resumed run counts from where it resumed). */
	public synchronized double rate() {
		double seconds = (nanoTime.getAsLong() - startedAt) / 1e9;
		return seconds <= 0 ? 0 : (done - doneBefore) / seconds;
	}

	synchronized String line(long now) {
		double seconds = (now - startedAt) / 1e9;
		double rate = seconds <= 0 ? 0 : (done - doneBefore) / seconds;
		String percent = total > 0 ? String.format(" (%d%%)", done * 100 / total) : "";
		String eta = rate > 0 && total > done ? ", ETA " + format(Duration.ofSeconds((long) ((total - done) / rate)))
				: "";
		return String.format("%s: %,d / %,d%s, %,.0f/s%s", what, done, total, percent, rate, eta);
	}

	public synchronized void finish() {
		log.info(line(nanoTime.getAsLong()));
	}

	static String format(Duration d) {
		long s = d.toSeconds();
		return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
				: s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
	}
}
