package io.keyshift.job;

import java.nio.file.Path;

import io.keyshift.input.Export;
import io.keyshift.input.ExportReader;
import io.keyshift.store.StagingStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/** Reads and checks the export into the run's staging tables; a restart loads it again from scratch. */
public class LoadTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(LoadTasklet.class);

	private final Path input;

	private final StagingStore staging;

	public LoadTasklet(Path input, StagingStore staging) {
		this.input = input;
		this.staging = staging;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) {
		Export export = Export.open(input);
		staging.clear();
		log.info("load: reading {}", input);
		new ExportReader(staging).read(export);
		staging.finish();
		return RepeatStatus.FINISHED;
	}
}
