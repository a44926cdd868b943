package io.keyshift.cli;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;

import io.keyshift.job.StopSignal;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT ask the run to stop at the next chunk boundary (it then exits 1, resumable);
 * a second signal ends the process at once, which is still safe: every commit is whole.
 */
final class Signals {

	private Signals() {
	}

	static void install(StopSignal stop, PrintStream err) {
		AtomicInteger received = new AtomicInteger();
		for (String name : new String[] { "TERM", "INT" }) {
			try {
				Signal.handle(new Signal(name), signal -> {
					if (stop.ended()) {
						err.println("keyshift: SIG" + name + " received after the run ended; exiting.");
						return;
					}
					if (received.incrementAndGet() > 1) {
						err.println("keyshift: second signal: stopping now; rerun the same command to resume.");
						Runtime.getRuntime().halt(ExitCodes.FAILED);
					}
					err.println("keyshift: SIG" + name + " received: finishing the current chunk, then stopping.");
					stop.request();
				});
			}
			catch (IllegalArgumentException ex) {
				// the platform has no such signal: nothing to install
			}
		}
	}
}
