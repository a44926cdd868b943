package io.keyshift.status;

import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.stream.Collectors;

import io.keyshift.job.Progress;

/** {@code keyshift status} for a person: a few lines per run, then the notifications. */
public final class StatusText {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

	private StatusText() {
	}

	public static void print(DatabaseStatus status, PrintStream out) {
		if (status.runs().isEmpty()) {
			out.println("keyshift: no runs in this database yet");
		}
		for (RunStatus run : status.runs()) {
			RunStatus.Progress p = run.progress();
			out.printf("run %d  %s  %s  attempts %d  started %s  ended %s%n", run.runId(),
					run.dryRun() ? "dry run" : run.revokeLegacyKeys() ? "real (revoke legacy keys)" : "real",
					p == null ? run.state() : p.pausedSince() != null ? "RUNNING, PAUSED" : "RUNNING",
					run.attempts(), time(run.started()),
					run.ended() == null ? (run.progress() != null ? "-" : "never (its process is gone?)")
							: time(run.ended()));
			out.printf("  input %s (sha-256 %s)%n", run.input(), run.inputDigest());
			if (!run.ranBy().isEmpty()) {
				out.println("  by " + String.join("; ", run.ranBy()));
			}
			out.println("  report " + run.reportWhere());
			if (!run.outcomes().isEmpty()) {
				out.println("  outcomes " + counts(run.outcomes()));
			}
			else if (run.dryRun() && "COMPLETED".equals(run.state())) {
				out.println("  outcomes: in its report (a dry run keeps no figures in the database)");
			}
			if (p != null) {
				StringBuilder line = new StringBuilder("  progress: step ").append(p.step() == null ? "-" : p.step())
					.append(", users decided ").append(String.format("%,d", p.usersDecided()));
				if (p.usersInScope() != null) {
					line.append(" / ").append(String.format("%,d", p.usersInScope()));
					if (p.usersInScope() > 0) {
						line.append(String.format(" (%d%%)", p.usersDecided() * 100 / p.usersInScope()));
					}
				}
				if (p.pausedSince() != null) {
					line.append(", paused since ").append(time(p.pausedSince()));
					if (p.pauseFile() != null) {
						line.append(" (remove ").append(p.pauseFile()).append(" to resume)");
					}
				}
				if (p.usersPerSecond() != null) {
					line.append(String.format(", %,.1f/s", p.usersPerSecond()));
				}
				if (p.etaSeconds() != null) {
					line.append(", ETA ").append(Progress.format(Duration.ofSeconds(p.etaSeconds())));
				}
				if (p.lastUpdate() != null) {
					line.append(", last progress at ").append(time(p.lastUpdate()));
				}
				out.println(line);
			}
		}
		out.println("notifications: " + (status.notifications().isEmpty() ? "none" : counts(status.notifications()))
				+ (status.pendingAfterFailure() > 0
						? String.format(" (%,d pending after a failed attempt)", status.pendingAfterFailure()) : ""));
	}

	private static String counts(Map<String, Long> counts) {
		return counts.entrySet()
			.stream()
			.map(e -> e.getKey() + " " + String.format("%,d", e.getValue()))
			.collect(Collectors.joining(", "));
	}

	private static String time(LocalDateTime time) {
		return time == null ? "-" : TIME.format(time);
	}
}
