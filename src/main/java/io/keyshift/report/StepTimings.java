package io.keyshift.report;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the step executions Spring Batch recorded for a run into one {@link RunSummary.StepTiming}
 * per step, however the step ran:
 * <ul>
 * <li>a run resumed after a failure has an execution of a step per attempt: the step's time is the
 * sum of the attempts (the pause between them is not the step's), its counts the sum of theirs;</li>
 * <li>a partitioned step has a manager execution ({@code migrate}) and worker executions named
 * {@code migrate:partition0}, {@code migrate:partition1}... that run side by side: they are grouped by
 * the name before {@code ':'}, an attempt lasts from its first start to its last end, and the counts
 * are the workers' (the manager's are their aggregate and would count everything twice).</li>
 * </ul>
 * An execution without an end is either the step writing this report (it ends "now") or one whose
 * process died: it ended, as far as anyone can tell, when it last wrote its progress.
 */
public final class StepTimings {

	private StepTimings() {
	}

	/**
	 * One row of Spring Batch's {@code BATCH_STEP_EXECUTION}, as the report needs it.
	 * @param stepName the step's name ({@code migrate}, {@code migrate:partition3})
	 * @param jobExecutionId the attempt of the run it belongs to
	 * @param startedAt when it started; {@code null} if it never did
	 * @param endedAt when it ended; {@code null} while running or if its process died
	 * @param lastUpdated when Spring Batch last saved it
	 * @param status its batch status ({@code COMPLETED}, {@code FAILED}, {@code STARTED}...)
	 * @param readCount items read
	 * @param writeCount items written
	 * @param filterCount items the processor filtered out
	 */
	public record Execution(String stepName, long jobExecutionId, Instant startedAt, Instant endedAt,
			Instant lastUpdated, String status, long readCount, long writeCount, long filterCount) {

		String group() {
			int colon = stepName.indexOf(':');
			return colon < 0 ? stepName : stepName.substring(0, colon);
		}

		boolean worker() {
			return stepName.indexOf(':') >= 0;
		}
	}

	/**
	 * The steps of a run, in the order they first started.
	 * @param executions every step execution of the run, in any order
	 * @param now when the report is written: the end of an execution still running in the latest attempt
	 * @return one timing per step
	 */
	public static List<RunSummary.StepTiming> of(List<Execution> executions, Instant now) {
		long latestAttempt = executions.stream().mapToLong(Execution::jobExecutionId).max().orElse(0);
		Map<String, List<Execution>> byStep = new LinkedHashMap<>();
		executions.stream()
			.filter(e -> e.startedAt() != null)
			.sorted(Comparator.comparing(Execution::startedAt).thenComparing(Execution::stepName))
			.forEach(e -> byStep.computeIfAbsent(e.group(), k -> new ArrayList<>()).add(e));
		List<RunSummary.StepTiming> steps = new ArrayList<>();
		for (Map.Entry<String, List<Execution>> step : byStep.entrySet()) {
			steps.add(timing(step.getKey(), step.getValue(), latestAttempt, now));
		}
		return steps;
	}

	private static RunSummary.StepTiming timing(String name, List<Execution> executions, long latestAttempt,
			Instant now) {
		Map<Long, Instant[]> attempts = new TreeMap<>();
		for (Execution e : executions) {
			Instant end = end(e, latestAttempt, now);
			attempts.merge(e.jobExecutionId(), new Instant[] { e.startedAt(), end },
					(a, b) -> new Instant[] { min(a[0], b[0]), max(a[1], b[1]) });
		}
		Duration time = Duration.ZERO;
		Instant first = null;
		Instant last = null;
		for (Instant[] span : attempts.values()) {
			time = time.plus(positive(Duration.between(span[0], span[1])));
			first = min(first, span[0]);
			last = max(last, span[1]);
		}
		boolean partitioned = executions.stream().anyMatch(Execution::worker);
		List<Execution> counted = executions.stream().filter(e -> e.worker() == partitioned).toList();
		long partitions = executions.stream().filter(Execution::worker).map(Execution::stepName).distinct().count();
		return new RunSummary.StepTiming(name, attempts.size(), (int) partitions, first, last, time,
				counted.stream().mapToLong(Execution::readCount).sum(),
				counted.stream().mapToLong(Execution::writeCount).sum(),
				counted.stream().mapToLong(Execution::filterCount).sum(),
				writing(executions, latestAttempt) ? WRITING : status(name, executions, latestAttempt));
	}

	/**
	 * The status of the step that writes this report, while it does: Spring Batch records it as
	 * {@code STARTED} until it ends, which would read as a step that never finished.
	 */
	public static final String WRITING = "WRITING_THIS_REPORT";

	/** Whether the step is the one writing the report: running, without an end, in the latest attempt. */
	private static boolean writing(List<Execution> executions, long latestAttempt) {
		return executions.stream()
			.anyMatch(e -> e.jobExecutionId() == latestAttempt && e.endedAt() == null && "STARTED".equals(e.status()));
	}

	/** The status of the step's last attempt: the manager's if there is one, else its last worker's. */
	private static String status(String name, List<Execution> executions, long latestAttempt) {
		long lastAttempt = executions.stream().mapToLong(Execution::jobExecutionId).max().orElse(latestAttempt);
		String status = null;
		for (Execution e : executions) {
			if (e.jobExecutionId() != lastAttempt) {
				continue;
			}
			if (e.stepName().equals(name)) {
				return e.status();
			}
			status = e.status();
		}
		return status;
	}

	private static Instant end(Execution e, long latestAttempt, Instant now) {
		if (e.endedAt() != null) {
			return e.endedAt();
		}
		if (e.jobExecutionId() == latestAttempt && "STARTED".equals(e.status())) {
			return max(e.startedAt(), now);
		}
		return max(e.startedAt(), e.lastUpdated());
	}

	private static Duration positive(Duration d) {
		return d.isNegative() ? Duration.ZERO : d;
	}

	private static Instant min(Instant a, Instant b) {
		return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
	}

	private static Instant max(Instant a, Instant b) {
		return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
	}
}
