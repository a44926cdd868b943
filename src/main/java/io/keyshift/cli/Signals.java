package io.keyshift.cli;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;

import io.keyshift.job.StopSignal;

import sun.misc.Signal;

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
