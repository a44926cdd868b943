package io.keyshift.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.env.Environment;

/**
 * keyshift's own lines ({@code keyshift: run 3 completed ...}) as log events, for structured logging
 * ({@code logging.structured.format.console}): then every line on the console is one JSON object,
 * these included. Without it the lines are printed as they are.
 */
final class LoggedLines {

	private static final Logger log = LoggerFactory.getLogger("keyshift");

	private LoggedLines() {
	}

	/** Whether the console is structured (JSON) in this environment. */
	static boolean structured(Environment environment) {
		String format = environment.getProperty("logging.structured.format.console");
		return format != null && !format.isBlank();
	}

	/** A stream whose every line is logged at INFO. */
	static PrintStream info() {
		return stream(log::info);
	}

	/** A stream whose every line is logged at ERROR (what keyshift prints to stderr). */
	static PrintStream error() {
		return stream(log::error);
	}

	private static PrintStream stream(Consumer<String> sink) {
		return new PrintStream(new OutputStream() {

			private final ByteArrayOutputStream line = new ByteArrayOutputStream();

			@Override
			public synchronized void write(int b) {
				if (b == '\n') {
					sink.accept(line.toString(StandardCharsets.UTF_8));
					line.reset();
				}
				else if (b != '\r') {
					line.write(b);
				}
			}

			@Override
			public synchronized void flush() {
				// a line is logged when it ends
			}
		}, true, StandardCharsets.UTF_8);
	}
}
