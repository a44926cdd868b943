package io.keyshift.job;

import java.nio.file.Path;
import java.time.Clock;
import java.time.OffsetDateTime;

import io.keyshift.store.RunKeyStore;
import io.keyshift.token.DeliveryKey;

import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;

/**
 * Before the migrate step seals anything, records which delivery key the run seals with, or, when
 * the run recorded one already, checks that this attempt has the same key and stops it if not. The
 * command line checks this before the run starts (exit 2); this is the guard in the job itself.
 */
public class DeliveryKeyRecorder implements StepExecutionListener {

	private final RunKeyStore store;

	private final Clock clock;

	public DeliveryKeyRecorder(RunKeyStore store, Clock clock) {
		this.store = store;
		this.clock = clock;
	}

	@Override
	public void beforeStep(StepExecution stepExecution) {
		var parameters = stepExecution.getJobParameters();
		if (Boolean.parseBoolean(parameters.getString(RunParameters.DRY_RUN))) {
			return;
		}
		long runId = stepExecution.getJobExecution().getJobInstance().getInstanceId();
		Path file = Path.of(parameters.getString(RunParameters.DELIVERY_KEY_FILE));
		String given = DeliveryKey.load(file).id();
		String recorded = store.record(runId, given, OffsetDateTime.now(clock));
		if (!recorded.equals(given)) {
			throw DeliveryKeyMismatch.recorded(runId, recorded, file, given);
		}
	}
}
