package io.keyshift.status;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;

/**
 * One run as {@code keyshift status} shows it, read from the database: Spring Batch's tables
 * (the run is a job instance, each attempt an execution) and keyshift's own.
 *
 * @param runId the run's number (the job instance id)
 * @param dryRun whether it is a rehearsal
 * @param revokeLegacyKeys whether it revokes the legacy keys it migrates
 * @param input the export directory, as the run recorded it
 * @param inputDigest the SHA-256 of the export's files
 * @param started when its first attempt started (null while starting)
 * @param ended when its last attempt ended (null while it runs, or when it never ended: a killed process)
 * @param state the last attempt's state: COMPLETED, FAILED, STOPPED, STARTED (running, or left so by a
 *        process that is gone), ABANDONED ...
 * @param attempts how many times it was started (the first start and each resume)
 * @param ranBy who started its attempts (host, pid, OS user), oldest first; empty when not recorded
 * @param reportDir its report directory, when recorded (given with --report-dir, or chosen by its report step)
 * @param usersInScope the users of its export in scope, null before its load finished (and for a
 *        completed dry run, whose figures are kept in its report only)
 * @param outcomes the number of report rows per outcome (empty for a completed dry run)
 * @param progress the live progress of a run that is going, else null
 */
public record RunStatus(long runId, boolean dryRun, boolean revokeLegacyKeys, String input, String inputDigest,
		LocalDateTime started, LocalDateTime ended, String state, int attempts, List<String> ranBy, String reportDir,
		Long usersInScope, Map<String, Long> outcomes, Progress progress) {

	public RunStatus {
		ranBy = List.copyOf(ranBy);
		outcomes = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(outcomes)); // in name order, every JVM
	}

	/**
	 * How far a run that is going has come, from its step executions (committed counts only).
	 *
	 * @param step the step it is in (load, check, migrate, report)
	 * @param usersDecided the users decided so far, over all its attempts
	 * @param usersInScope the users to decide (null before the load step has counted them)
	 * @param usersPerSecond users decided per second in this attempt's migrate step (null before it starts)
	 * @param etaSeconds the seconds left at that rate (null when unknown)
	 * @param lastUpdate when its steps last recorded progress
	 * @param pausedSince since when its migrate workers wait on the pause file (the run's clock); null
	 *        while they work (the rate then leaves the time paused out)
	 * @param pauseFile the file to remove to resume it, while it is paused
	 */
	public record Progress(String step, long usersDecided, Long usersInScope, Double usersPerSecond,
			Long etaSeconds, LocalDateTime lastUpdate, LocalDateTime pausedSince, String pauseFile) {
	}

	/**
	 * Where its report is, or goes: the directory when known, else (a run whose report step has not
	 * chosen it yet) the name it will get, in the directory migrate runs in.
	 */
	public String reportWhere() {
		if (reportDir != null) {
			return reportDir;
		}
		return "not written yet; it goes to reports/" + (dryRun ? "dry-run-" : "run-") + runId
				+ "-<time of its report step>, in the directory migrate runs in";
	}
}
