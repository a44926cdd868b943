package io.keyshift.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The figures of one run, read back from the database after the run: what {@code summary.json} and
 * {@code summary.html} show. Holds no secret.
 *
 * @param runId the run (job instance id)
 * @param dryRun whether the run was a rehearsal
 * @param revokeLegacyKeys whether migrated keys were revoked
 * @param input the input directory as given
 * @param startedAt when the run first started
 * @param finishedAt when it finished
 * @param inputFiles rows read, rejected and deduplicated per input file
 * @param usersWithLegacyKey users in scope (a valid legacy key)
 * @param usersWithoutLegacyKey users with memberships but no legacy key (out of scope, counted only)
 * @param outcomes report rows per outcome and reason (reason null for CREATED and the like)
 * @param plans report rows per account plan and outcome (plan "none" for user-level rows, "unknown" for unknown accounts)
 * @param tokensMinted PATs created by this run (0 in a dry run; would-be tokens show as WOULD_CREATE outcomes)
 * @param keysMigrated legacy keys this run moved to MIGRATED
 * @param keysRevoked legacy keys this run moved to REVOKED
 * @param notifications notifications queued (or, in a dry run, that would be) per kind
 * @param topAccounts accounts with the most tokens created (or would-be) in this run, most first, at most 10
 * @param rejects rejected input rows per file and reason category, most first
 * @param progress users decided out of those in scope, and the time the deciding step took
 * @param steps the job's steps in the order they started, with their time and item counts
 * @param tokens the PATs of earlier runs: the valve's count and limit, and those left alone because
 *        their user is not in this export (null when the run did not get that far)
 */
public record RunSummary(long runId, boolean dryRun, boolean revokeLegacyKeys, String input, Instant startedAt,
		Instant finishedAt, List<FileCount> inputFiles, long usersWithLegacyKey, long usersWithoutLegacyKey,
		List<OutcomeCount> outcomes, List<PlanCount> plans, long tokensMinted, long keysMigrated, long keysRevoked,
		List<KindCount> notifications, List<AccountCount> topAccounts, List<RejectCount> rejects,
		UserProgress progress, List<StepTiming> steps, Tokens tokens) {

	/** A summary without the figures of earlier runs' PATs. */
	public RunSummary(long runId, boolean dryRun, boolean revokeLegacyKeys, String input, Instant startedAt,
			Instant finishedAt, List<FileCount> inputFiles, long usersWithLegacyKey, long usersWithoutLegacyKey,
			List<OutcomeCount> outcomes, List<PlanCount> plans, long tokensMinted, long keysMigrated, long keysRevoked,
			List<KindCount> notifications, List<AccountCount> topAccounts, List<RejectCount> rejects,
			UserProgress progress, List<StepTiming> steps) {
		this(runId, dryRun, revokeLegacyKeys, input, startedAt, finishedAt, inputFiles, usersWithLegacyKey,
				usersWithoutLegacyKey, outcomes, plans, tokensMinted, keysMigrated, keysRevoked, notifications,
				topAccounts, rejects, progress, steps, null);
	}

	/**
	 * The PATs earlier runs made, as this run found them (SPEC §3.2).
	 * @param activeInScope ACTIVE PATs of the users in this export, before the run
	 * @param untouchedOutOfScope ACTIVE PATs of users this export does not name: left as they are
	 * @param revocationsPlanned the revocations the safety valve counted before the migrate step
	 * @param revocationLimit the valve's limit ({@code --max-revocations} or its default)
	 */
	public record Tokens(long activeInScope, long untouchedOutOfScope, long revocationsPlanned,
			long revocationLimit) {

		/** Whether a real run stops (or, for a dry run, would stop) at the valve. */
		public boolean overLimit() {
			return revocationsPlanned > revocationLimit;
		}

		/** The line a dry run ends with when a real run would stop. */
		public String wouldStopLine() {
			return "a real run would stop before writing: it would revoke " + revocationsPlanned
					+ " personal access tokens, more than the limit of " + revocationLimit
					+ " (--max-revocations). Read this report; if the revocations are right, run for real with"
					+ " --max-revocations " + revocationsPlanned + ".";
		}
	}

	public record FileCount(String file, long rowsRead, long rowsRejected, long rowsDeduplicated) {
	}

	public record OutcomeCount(String outcome, String reason, long rows) {
	}

	public record PlanCount(String plan, String outcome, long rows) {
	}

	public record KindCount(String kind, long count) {
	}

	public record AccountCount(long accountId, String accountName, String plan, long tokens) {
	}

	public record RejectCount(String file, String category, long rows) {
	}

	/**
	 * How far the users of the run got (SPEC §8's progress figures, as of the report).
	 * @param usersDone users with a decision
	 * @param usersTotal users in scope
	 * @param time what the step that decides users took, summed over its attempts
	 */
	public record UserProgress(long usersDone, long usersTotal, Duration time) {

		/** Users decided per second of the deciding step; 0 when it took no measurable time. */
		public double usersPerSecond() {
			double seconds = time == null ? 0 : time.toMillis() / 1000.0;
			return seconds <= 0 ? 0 : usersDone / seconds;
		}

		/** Seconds left at the rate so far: 0 when every user is decided, null when there is no rate yet. */
		public Long etaSeconds() {
			if (usersDone >= usersTotal) {
				return 0L;
			}
			double rate = usersPerSecond();
			return rate <= 0 ? null : (long) Math.ceil((usersTotal - usersDone) / rate);
		}
	}

	/**
	 * One step of the job, over every attempt of the run (see {@link StepTimings}).
	 * @param step its name ({@code load}, {@code migrate}...; partitions are folded into their step)
	 * @param executions the attempts it ran in: more than 1 for a resumed run
	 * @param partitions the partitions it ran as, 0 when it was not partitioned
	 * @param startedAt when it first started
	 * @param finishedAt when it last ended (for the report step: when these figures were taken)
	 * @param time its running time: the attempts' spans added up, the pauses between them left out
	 * @param itemsRead items read
	 * @param itemsWritten items written
	 * @param itemsFiltered items filtered out by its processor
	 * @param status its Spring Batch status in its last attempt
	 */
	public record StepTiming(String step, int executions, int partitions, Instant startedAt, Instant finishedAt,
			Duration time, long itemsRead, long itemsWritten, long itemsFiltered, String status) {
	}

	public Duration duration() {
		return Duration.between(startedAt, finishedAt);
	}

	public long rowsRead() {
		return inputFiles.stream().mapToLong(FileCount::rowsRead).sum();
	}

	public long rowsRejected() {
		return inputFiles.stream().mapToLong(FileCount::rowsRejected).sum();
	}

	/** Input rows per second over the whole run; 0 for a run too short to measure. */
	public double rowsPerSecond() {
		double seconds = duration().toMillis() / 1000.0;
		return seconds <= 0 ? 0 : rowsRead() / seconds;
	}
}
