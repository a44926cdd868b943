package io.keyshift.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import io.keyshift.job.StopSignal;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SignalsTests {

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

	@Test
	void aFirstSignalFinishesTheChunkAndASecondEndsAtOnce() {
		StopSignal stop = new StopSignal();
		AtomicInteger received = new AtomicInteger();

		assertThat(Signals.received("TERM", stop, received, errStream)).isTrue();
		assertThat(stop.requested()).isTrue();
		assertThat(Signals.received("INT", stop, received, errStream)).isFalse();
		assertThat(err.toString()).isEqualTo("keyshift: SIGTERM received: finishing the current chunk, then stopping."
				+ System.lineSeparator() + "keyshift: second signal: stopping now; rerun the same command to resume."
				+ System.lineSeparator());
	}

	@Test
	void aSignalAfterTheRunEndedDoesNotTalkOfAChunk() {
		StopSignal stop = new StopSignal();
		stop.end();

		assertThat(Signals.received("TERM", stop, new AtomicInteger(), errStream)).isTrue();
		assertThat(Signals.received("TERM", stop, new AtomicInteger(1), errStream)).isTrue();
		assertThat(err.toString()).doesNotContain("chunk")
			.isEqualTo(("keyshift: SIGTERM received after the run ended; exiting." + System.lineSeparator()).repeat(2));
		assertThat(stop.requested()).isFalse();
	}
}
