package io.keyshift.job;

import java.nio.file.Path;
import java.time.Duration;

import io.keyshift.store.PauseStore;
import io.keyshift.throttle.PauseFlag;
import io.keyshift.throttle.RateLimiter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.batch.core.job.JobInterruptedException;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.StepInterruptionPolicy;

/**
 * The migrate workers' gate at every chunk boundary, outside the chunk's transaction: a stop
 * request ends the step ({@link StopSignal}); while the operator's pause file exists the worker
 * waits (holding no transaction and no lock); under {@code --max-rate} it waits for its turn. The
 * writer {@link #used books} each chunk's users once they are written.
 *
 * <p>Set for each run by {@link #configure} before the migrate step starts (from the run's job
 * parameters, so a resumed run keeps them).
 */
public class Throttle implements StepInterruptionPolicy, StepExecutionListener {

	private static final Logger log = LoggerFactory.getLogger("keyshift.throttle");

	/** How often a waiting worker looks at the pause file and the stop request again. */
	static final Duration POLL = Duration.ofMillis(200);

	private final StopSignal stop;

	private final Progress progress;

	/** Where the run records its pauses for {@code keyshift status}; null: nowhere (a remote worker). */
	private final PauseStore pauses;

	/** The run whose migrate step this is (set by {@link #beforeStep}); null: none recorded. */
	private volatile Long runId;

	private final ThreadLocal<Long> chunkStartedAt = new ThreadLocal<>();

	private volatile RateLimiter limiter;

	private volatile PauseFlag pause;

	private boolean paused;

	private long pausedAt;

	public Throttle(StopSignal stop, Progress progress) {
		this(stop, progress, null);
	}

	public Throttle(StopSignal stop, Progress progress, PauseStore pauses) {
		this.stop = stop;
		this.progress = progress;
		this.pauses = pauses;
	}

	/** The limits of the run about to migrate: {@code maxRate} users/s (null: none), a pause file (null: none). */
	public void configure(Double maxRate, Path pauseFile) {
		this.limiter = maxRate == null ? null : new RateLimiter(maxRate, System::nanoTime);
		this.pause = pauseFile == null ? null : new PauseFlag(pauseFile);
		synchronized (this) {
			paused = false;
		}
		progress.pause(null);
		if (limiter != null || pause != null) {
			log.info("migrate: {}{}{}", limiter == null ? "" : "at most " + usersPerSecond(maxRate) + " users/s",
					limiter != null && pause != null ? "; " : "",
					pause == null ? "" : "pauses while " + pause.file() + " exists");
		}
	}

	/** Before the migrate step: the limits recorded with the run ({@link RunParameters#MAX_RATE}, {@link RunParameters#PAUSE_FILE}). */
	@Override
	public void beforeStep(StepExecution stepExecution) {
		JobParameters parameters = stepExecution.getJobExecution().getJobParameters();
		runId = stepExecution.getJobExecution().getJobInstance().getInstanceId();
		if (pauses != null) {
			pauses.start(runId);
		}
		String rate = parameters.getString(RunParameters.MAX_RATE);
		String file = parameters.getString(RunParameters.PAUSE_FILE);
		configure(rate == null || rate.isBlank() ? null : Double.valueOf(rate),
				file == null || file.isBlank() ? null : Path.of(file));
	}

	@Override
	public void checkInterrupted(StepExecution stepExecution) throws JobInterruptedException {
		while (true) {
			stop.checkInterrupted(stepExecution);
			PauseFlag flag = pause;
			if (flag != null && flag.raised()) {
				enterPause(flag);
				sleep(POLL.toNanos());
				continue;
			}
			leavePause();
			RateLimiter rate = limiter;
			long wait = rate == null ? 0 : rate.waitBeforeTurn();
			if (wait > 0) {
				sleep(Math.min(wait, POLL.toNanos()));
				continue;
			}
			chunkStartedAt.set(rate == null ? 0L : rate.now());
			return;
		}
	}

	/** Books the users of the chunk this worker has just written against the rate limit. */
	public void used(long users) {
		RateLimiter rate = limiter;
		Long startedAt = chunkStartedAt.get();
		if (rate != null && startedAt != null) {
			rate.book(startedAt, users);
		}
	}

	private void enterPause(PauseFlag flag) {
		synchronized (this) {
			if (!paused) {
				paused = true;
				pausedAt = System.nanoTime();
				log.info("migrate: paused: {} exists; the workers finish their chunk and wait. Remove it to resume",
						flag.file());
				progress.pause("paused: remove " + flag.file() + " to resume");
				Long run = runId;
				if (pauses != null && run != null) {
					pauses.paused(run, java.time.LocalDateTime.now());
				}
			}
		}
		progress.tick();
	}

	private void leavePause() {
		synchronized (this) {
			if (paused) {
				paused = false;
				Duration pausedFor = Duration.ofNanos(System.nanoTime() - pausedAt);
				log.info("migrate: resumed after {}", Progress.format(Duration.ofSeconds(pausedFor.toSeconds())));
				progress.pause(null);
				Long run = runId;
				if (pauses != null && run != null) {
					pauses.resumed(run, pausedFor.toMillis());
				}
			}
		}
	}

	/** A rate as typed: {@code 2,000}, {@code 0.5}. */
	static String usersPerSecond(double rate) {
		return rate == Math.rint(rate) ? String.format("%,.0f", rate)
				: java.math.BigDecimal.valueOf(rate).stripTrailingZeros().toPlainString();
	}

	private static void sleep(long nanos) throws JobInterruptedException {
		try {
			Thread.sleep(Math.max(1, nanos / 1_000_000), (int) (nanos % 1_000_000));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new JobInterruptedException("interrupted while throttled");
		}
	}
}
