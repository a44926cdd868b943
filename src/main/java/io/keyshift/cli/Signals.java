package io.keyshift.cli;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;

import io.keyshift.job.StopSignal;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGTERM and SIGINT ask the run to stop at the next chunk boundary (it then exits 1, resumable);
 * a second signal ends the process at once, which is still safe: every commit is whole. Once the
 * command has ended there is nothing left to stop, and a signal says only that.
 */
final class Signals {

	private Signals() {
	}

	static void install(StopSignal stop, PrintStream err) {
		AtomicInteger received = new AtomicInteger();
		for (String name : new String[] { "TERM", "INT" }) {
			try {
				Signal.handle(new Signal(name), signal -> {
					if (!received(name, stop, received, err)) {
						Runtime.getRuntime().halt(ExitCodes.FAILED);
					}
				});
			}
			catch (IllegalArgumentException ex) {
				// the platform has no such signal: nothing to install
			}
		}
	}

	/**
	 * Before the application has started (Spring, the database pool, Flyway): a signal then ends the
	 * process at once, saying that no run had begun. Without it the JVM's own shutdown would close the
	 * database pool under the start-up, which then failed with "HikariDataSource ... has been closed".
	 * {@link #install} replaces it once the command can stop gracefully.
	 */
	static void installBeforeStart(PrintStream err, String what) {
		for (String name : new String[] { "TERM", "INT" }) {
			try {
				Signal.handle(new Signal(name), signal -> {
					err.println("keyshift: SIG" + name + " received while starting, before " + what
							+ " began; stopped. Nothing of it was written; run the same command again to start it.");
					err.flush();
					Runtime.getRuntime().halt(ExitCodes.FAILED);
				});
			}
			catch (IllegalArgumentException ex) {
				// the platform has no such signal: nothing to install
			}
		}
	}

	/** The JVM's own handlers, replaced by {@link #installAtStart}; empty before it ran. */
	private static final java.util.Map<String, SignalHandler> JVM_HANDLERS = new java.util.concurrent.ConcurrentHashMap<>();

	/**
	 * From the first line of {@code main}: reading the command line and checking the export take
	 * seconds on a busy machine, and a signal then ended the JVM with exit 143 and no word. Now it
	 * ends with one line and exit 1, as a signal before the run began does later ({@link
	 * #installBeforeStart}). A command that has no signal handling of its own gives the JVM's back
	 * ({@link #restoreJvmHandlers}) before it does anything.
	 */
	static void installAtStart(PrintStream err) {
		for (String name : new String[] { "TERM", "INT" }) {
			try {
				SignalHandler jvm = Signal.handle(new Signal(name), signal -> {
					err.println("keyshift: SIG" + name + " received while starting; stopped before anything began."
							+ " Nothing was changed.");
					err.flush();
					Runtime.getRuntime().halt(ExitCodes.FAILED);
				});
				JVM_HANDLERS.putIfAbsent(name, jvm);
			}
			catch (IllegalArgumentException ex) {
				// the platform has no such signal: nothing to install
			}
		}
	}

	/** The JVM's own handling of the signals {@link #installAtStart} took, if it took them. */
	static void restoreJvmHandlers() {
		JVM_HANDLERS.forEach((name, handler) -> Signal.handle(new Signal(name), handler));
	}

	/** What signal {@code name} does; false when the process must end at once. */
	static boolean received(String name, StopSignal stop, AtomicInteger received, PrintStream err) {
		if (stop.ended()) {
			err.println("keyshift: SIG" + name + " received after the run ended; exiting.");
			return true;
		}
		if (received.incrementAndGet() > 1) {
			err.println("keyshift: second signal: stopping now; rerun the same command to resume.");
			return false;
		}
		err.println("keyshift: SIG" + name + " received: finishing the current chunk, then stopping.");
		stop.request();
		return true;
	}
}
