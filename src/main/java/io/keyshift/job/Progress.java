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

	/** Whether the counts are bytes, shown in MB. */
	private final boolean bytes;

	private long total;

	private long startedAt;

	private long doneBefore;

	private long done;

	private long lastPrintedAt;

	private long printedDone = -1;

	/** While the step is paused: what the line says instead of the rate and ETA; else null. */
	private String pausedNote;

	/** When the current pause began (while {@link #pausedNote} is set). */
	private long pausedAt;

	/** The time paused since {@link #begin}, which the rate leaves out. */
	private long pausedNanos;

	public Progress(String what, Duration interval) {
		this(what, interval, System::nanoTime, false);
	}

	/** Progress through input measured in bytes, shown in MB. */
	public static Progress ofBytes(String what, Duration interval) {
		return new Progress(what, interval, System::nanoTime, true);
	}

	Progress(String what, Duration interval, LongSupplier nanoTime) {
		this(what, interval, nanoTime, false);
	}

	Progress(String what, Duration interval, LongSupplier nanoTime, boolean bytes) {
		this.what = what;
		this.bytes = bytes;
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
		this.pausedNanos = 0;
		if (pausedNote != null) {
			pausedAt = startedAt;
		}
	}

	public synchronized void advance(long count) {
		advanceTo(done + count);
	}

	/** Sets how much is done (for a count that is known rather than added up). */
	public synchronized void advanceTo(long doneNow) {
		done = doneNow;
		long now = nanoTime.getAsLong();
		if (now - lastPrintedAt >= intervalNanos) {
			lastPrintedAt = now;
			printedDone = done;
			log.info(line(now));
		}
	}

	/**
	 * Marks the step paused ({@code note} replaces the rate and ETA in the line, e.g. "paused: remove
	 * F to resume") or, with null, running again.
	 */
	public synchronized void pause(String note) {
		long now = nanoTime.getAsLong();
		if (pausedNote == null && note != null) {
			pausedAt = now;
		}
		else if (pausedNote != null && note == null) {
			pausedNanos += now - pausedAt;
		}
		this.pausedNote = note;
	}

	/** Seconds of work since {@link #begin}: the time paused left out, so a pause does not lower the rate. */
	private double workingSeconds(long now) {
		long paused = pausedNanos + (pausedNote != null ? now - pausedAt : 0);
		return (now - startedAt - paused) / 1e9;
	}

	/** Prints the line if the interval has passed, though nothing advanced (a paused step's sign of life). */
	public synchronized void tick() {
		advanceTo(done);
	}

	public synchronized long done() {
		return done;
	}

	/** Users per second in this process (a resumed run counts from where it resumed), pauses left out. */
	public synchronized double rate() {
		double seconds = workingSeconds(nanoTime.getAsLong());
		return seconds <= 0 ? 0 : (done - doneBefore) / seconds;
	}

	synchronized String line(long now) {
		double seconds = workingSeconds(now);
		double rate = seconds <= 0 ? 0 : (done - doneBefore) / seconds;
		String percent = total > 0 ? String.format(" (%d%%)", done * 100 / total) : "";
		String eta = rate > 0 && total > done ? ", ETA " + format(Duration.ofSeconds((long) ((total - done) / rate)))
				: "";
		if (pausedNote != null) {
			return String.format("%s: %,d / %,d%s, %s", what, done, total, percent, pausedNote);
		}
		if (bytes) {
			return String.format("%s: %,d MB / %,d MB%s, %,.1f MB/s%s", what, done / 1_000_000, total / 1_000_000,
					percent, rate / 1e6, eta);
		}
		return String.format("%s: %,d / %,d%s, %,.0f/s%s", what, done, total, percent, rate, eta);
	}

	/** Prints the final figures, unless the last line printed already showed them. */
	public synchronized void finish() {
		if (done != printedDone || lastPrintedAt == startedAt) {
			log.info(line(nanoTime.getAsLong()));
		}
	}

	/** A duration as the progress lines give it: {@code 45s}, {@code 7m20s}, {@code 2h05m}. */
	public static String format(Duration d) {
		long s = d.toSeconds();
		return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
				: s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
	}
}
