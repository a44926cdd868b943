package io.keyshift.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.keyshift.migration.NotificationKind;
import io.keyshift.migration.Outcome;
import io.keyshift.migration.Reason;

/**
 * Figures derived from a {@link RunSummary} that both summaries show the same way: outcomes in the
 * order of {@link Outcome} (not alphabetical), totals per outcome and kind, rounded rates.
 */
final class Figures {

	private Figures() {
	}

	/** The outcome rows, by outcome then reason in rule order; a reasonless row first. */
	static List<RunSummary.OutcomeCount> outcomes(RunSummary s) {
		List<RunSummary.OutcomeCount> sorted = new ArrayList<>(list(s.outcomes()));
		sorted.sort(Comparator.comparingInt((RunSummary.OutcomeCount o) -> outcomeRank(o.outcome()))
			.thenComparingInt(o -> reasonRank(o.reason()))
			.thenComparing(o -> String.valueOf(o.outcome())));
		return sorted;
	}

	/** Report rows per outcome: every known outcome (0 when absent), then any other, in order. */
	static Map<String, Long> outcomeTotals(RunSummary s) {
		Map<String, Long> totals = new LinkedHashMap<>();
		for (Outcome outcome : Outcome.values()) {
			totals.put(outcome.name(), 0L);
		}
		for (RunSummary.OutcomeCount o : outcomes(s)) {
			totals.merge(String.valueOf(o.outcome()), o.rows(), Long::sum);
		}
		return totals;
	}

	/** Notifications per kind: every known kind (0 when absent), then any other. */
	static Map<String, Long> notificationTotals(RunSummary s) {
		Map<String, Long> totals = new LinkedHashMap<>();
		for (NotificationKind kind : NotificationKind.values()) {
			totals.put(kind.name(), 0L);
		}
		for (RunSummary.KindCount k : list(s.notifications())) {
			totals.merge(String.valueOf(k.kind()), k.count(), Long::sum);
		}
		return totals;
	}

	static long outcomeRows(RunSummary s, Outcome outcome) {
		return outcomeTotals(s).get(outcome.name());
	}

	static long reportRows(RunSummary s) {
		return list(s.outcomes()).stream().mapToLong(RunSummary.OutcomeCount::rows).sum();
	}

	static long notificationCount(RunSummary s) {
		return list(s.notifications()).stream().mapToLong(RunSummary.KindCount::count).sum();
	}

	static long rowsDeduplicated(RunSummary s) {
		return list(s.inputFiles()).stream().mapToLong(RunSummary.FileCount::rowsDeduplicated).sum();
	}

	static long rowsRead(RunSummary s) {
		return list(s.inputFiles()).stream().mapToLong(RunSummary.FileCount::rowsRead).sum();
	}

	static long rowsRejected(RunSummary s) {
		return list(s.inputFiles()).stream().mapToLong(RunSummary.FileCount::rowsRejected).sum();
	}

	/** Whether both ends of the run are known, so its duration and rates are. */
	static boolean timed(RunSummary s) {
		return s.startedAt() != null && s.finishedAt() != null;
	}

	/**
	 * The run's length in seconds, to the millisecond, without trailing zeros but with at least one
	 * decimal ({@code 12.5}, {@code 3.0}); {@code null} when not {@link #timed}.
	 */
	static BigDecimal durationSeconds(RunSummary s) {
		return timed(s) ? seconds(s.duration()) : null;
	}

	/** A duration in seconds, to the millisecond, with at least one decimal; {@code null} for {@code null}. */
	static BigDecimal seconds(Duration duration) {
		if (duration == null) {
			return null;
		}
		BigDecimal seconds = BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros();
		return seconds.scale() < 1 ? seconds.setScale(1) : seconds;
	}

	/** The run's progress figures; all zero for a summary that has none. */
	static RunSummary.UserProgress progress(RunSummary s) {
		return s.progress() == null ? new RunSummary.UserProgress(0, 0, Duration.ZERO) : s.progress();
	}

	/** Users decided per second of the step that decides them, rounded to one decimal. */
	static BigDecimal progressRate(RunSummary s) {
		RunSummary.UserProgress progress = progress(s);
		long millis = progress.time() == null ? 0 : progress.time().toMillis();
		if (millis <= 0) {
			return BigDecimal.ZERO.setScale(1);
		}
		// in decimal, so that summary.json's figure is exactly users / seconds rounded half-up
		return BigDecimal.valueOf(progress.usersDone())
			.movePointRight(3)
			.divide(BigDecimal.valueOf(millis), 1, RoundingMode.HALF_UP);
	}

	/** The steps' times added up: what each step's share is of. */
	static Duration stepsTime(RunSummary s) {
		return list(s.steps()).stream()
			.map(RunSummary.StepTiming::time)
			.filter(t -> t != null)
			.reduce(Duration.ZERO, Duration::plus);
	}

	static BigDecimal rowsPerSecond(RunSummary s) {
		return oneDecimal((timed(s) && s.inputFiles() != null) ? s.rowsPerSecond() : 0);
	}

	/** A rate rounded half-up to one decimal; 0 for anything not finite. */
	static BigDecimal oneDecimal(double value) {
		if (!Double.isFinite(value)) {
			return BigDecimal.ZERO.setScale(1);
		}
		return BigDecimal.valueOf(value).setScale(1, RoundingMode.HALF_UP);
	}

	static <T> List<T> list(List<T> items) {
		return items == null ? List.of() : items;
	}

	static int outcomeRank(String outcome) {
		for (Outcome o : Outcome.values()) {
			if (o.name().equals(outcome)) {
				return o.ordinal();
			}
		}
		return Integer.MAX_VALUE;
	}

	private static int reasonRank(String reason) {
		if (reason == null) {
			return -1;
		}
		for (Reason r : Reason.values()) {
			if (r.name().equals(reason)) {
				return r.ordinal();
			}
		}
		return Integer.MAX_VALUE;
	}
}
