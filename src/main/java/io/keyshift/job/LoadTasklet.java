package io.keyshift.job;

import java.nio.file.Path;
import java.time.Duration;

import io.keyshift.input.Export;
import io.keyshift.input.ExportReader;
import io.keyshift.input.InputProblem;
import io.keyshift.store.StagingStore;
import io.keyshift.store.UnattributedRows;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.step.StepContribution;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;

/**
 * Reads and checks the export into the run's staging tables. Runs again on every restart of a run:
 * if the staging rows are intact it does nothing; if a load was cut short, or the database lost its
 * unlogged staging tables in a crash, it loads the export again from scratch.
 */
public class LoadTasklet implements Tasklet {

	private static final Logger log = LoggerFactory.getLogger(LoadTasklet.class);

	/**
	 * The exit code of a load that stopped the run on an export it cannot use (rows that belong to
	 * nobody, a row the database refuses); the exit description is the message for the operator.
	 */
	public static final String UNUSABLE_INPUT = "UNUSABLE_INPUT";

	private final Path input;

	private final StagingStore staging;

	private final StopSignal stop;

	private final Duration interval;

	/** A real run that was not told to accept rows that belong to nobody stops on them. */
	private final boolean stopOnUnattributed;

	public LoadTasklet(Path input, StagingStore staging, StopSignal stop, Duration interval,
			boolean stopOnUnattributed) {
		this.input = input;
		this.staging = staging;
		this.stop = stop;
		this.interval = interval;
		this.stopOnUnattributed = stopOnUnattributed;
	}

	@Override
	public RepeatStatus execute(StepContribution contribution, ChunkContext chunkContext) throws Exception {
		if (staging.intact()) {
			log.info("load: the export is already loaded");
			staging.close();
			return RepeatStatus.FINISHED;
		}
		Export export = Export.open(input);
		staging.clear();
		log.info("load: reading {}", input);
		staging.onFlush(() -> stop.checkInterrupted(chunkContext.getStepContext().getStepExecution()));
		try (staging) {
			Progress progress = Progress.ofBytes("load", interval);
			progress.begin(export.size(), 0);
			new ExportReader(staging, progress::advanceTo).read(export);
			progress.finish();
			UnattributedRows unattributed = staging.unattributed();
			if (stopOnUnattributed && unattributed.any()) {
				throw new InputProblem(unattributed.describe() + "; a real run stops on such rows. Fix them, or"
						+ " run the same command with --accept-unattributed-rows to go on without them"
						+ " (a --dry-run lists them in rejects.csv)");
			}
			log.info("load: checking the export as a whole (repeated ids, users in scope)");
			staging.finish();
		}
		catch (StagingStore.Interrupted ex) {
			throw (Exception) ex.getCause();
		}
		catch (InputProblem ex) {
			// the export cannot be used as it is: no staging rows left behind, the run stopped (not failed:
			// nothing to resume, and no stack trace), the message in the step's exit status
			staging.clear();
			StepExecution step = chunkContext.getStepContext().getStepExecution();
			step.setExitStatus(new ExitStatus(UNUSABLE_INPUT, ex.getMessage()));
			step.setTerminateOnly();
		}
		return RepeatStatus.FINISHED;
	}
}
