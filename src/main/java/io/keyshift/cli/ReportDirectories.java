package io.keyshift.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.keyshift.report.ReportFiles;

/**
 * The checks on a report directory made before a run starts: a report is the operator's record of
 * what was done, so it is never written over by another run, and a directory the report cannot be
 * written to is found before the job runs, not after.
 */
final class ReportDirectories {

	private static final List<String> REPORT_FILES = List.of(ReportFiles.REPORT_CSV, ReportFiles.REJECTS_CSV,
			ReportFiles.SUMMARY_JSON, ReportFiles.SUMMARY_HTML);

	private static final Pattern RUN_ID = Pattern.compile("\"run_id\"\\s*:\\s*(\\d+)");

	private ReportDirectories() {
	}

	/**
	 * Why the report cannot go to {@code dir} (given with --report-dir, or null for the default under
	 * {@code reports/}), or null when it can: the directory, or the nearest of its parents that
	 * exists, must be a directory this process may write to.
	 */
	static String unusable(Path dir) {
		Path target = dir != null ? dir : Path.of("reports");
		String what = dir != null ? "--report-dir " + dir : "the report directory " + target + "/";
		Path existing = target.toAbsolutePath().normalize();
		while (existing != null && !Files.exists(existing)) {
			existing = existing.getParent();
		}
		if (existing == null) {
			return what + " cannot be created (no part of its path exists)";
		}
		if (existing.equals(target.toAbsolutePath().normalize())) {
			if (!Files.isDirectory(existing)) {
				return what + " exists and is not a directory";
			}
			return Files.isWritable(existing) ? null : what + " cannot be written to (permission denied)";
		}
		if (!Files.isDirectory(existing)) {
			return what + " cannot be created: " + existing + " is a file, not a directory";
		}
		return Files.isWritable(existing) ? null
				: what + " cannot be created: " + existing + " cannot be written to (permission denied)";
	}

	/**
	 * Why the run must not write its report to {@code dir}, or null when it may: a directory that
	 * already holds a report belongs to the run that wrote it. Only that run, resuming, may write
	 * there again ({@code resumedRun} is the run the command resumes, null for a new one;
	 * {@code recordedDir} the directory that run recorded).
	 */
	static String refusal(Path dir, Long resumedRun, String recordedDir) {
		if (dir == null || !Files.isDirectory(dir) || REPORT_FILES.stream().noneMatch(f -> Files.exists(dir.resolve(f)))) {
			return null;
		}
		// Only the directory this run recorded (before its report step wrote a file) is its own: a run
		// number alone is not, since another database numbers its runs from 1 too.
		Long owner = runIdOfReport(dir);
		if (resumedRun != null && recordedDir != null && sameDirectory(dir, Path.of(recordedDir))) {
			return null;
		}
		return "--report-dir " + dir + " already holds the report of " + (owner == null ? "another run" : "run " + owner)
				+ ", and a report is never written over: give a new directory, or leave --report-dir out (each run"
				+ " then gets reports/run-<N>-<time> of its own)";
	}

	/** The run id in the directory's summary.json, or null when there is none to read. */
	private static Long runIdOfReport(Path dir) {
		try {
			Matcher m = RUN_ID.matcher(Files.readString(dir.resolve(ReportFiles.SUMMARY_JSON)));
			return m.find() ? Long.valueOf(m.group(1)) : null;
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	private static boolean sameDirectory(Path a, Path b) {
		try {
			return Files.isSameFile(a, b);
		}
		catch (IOException ex) {
			return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
		}
	}
}
