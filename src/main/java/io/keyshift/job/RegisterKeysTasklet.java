package io.keyshift.job;

import io.keyshift.store.MigrationStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/** Records this export's legacy keys (fingerprint and hint only) before any is migrated; a dry run records none. */
public class RegisterKeysTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(RegisterKeysTasklet.class);

	private final MigrationStore store;

	private final long runId;

	private final boolean dryRun;

	public RegisterKeysTasklet(MigrationStore store, long runId, boolean dryRun) {
		this.store = store;
		this.runId = runId;
		this.dryRun = dryRun;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		if (!dryRun) {
			int added = store.registerLegacyKeys(runId);
			log.info("keys: {} new legacy keys recorded", added);
		}
		return RepeatStatus.FINISHED;
	}
}
