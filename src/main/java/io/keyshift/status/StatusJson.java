package io.keyshift.status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * {@code keyshift status --json}: the same figures for scripts, one JSON document. Times are the
 * database's (Spring Batch records local times without a zone), as {@code 2026-11-30T17:04:01}.
 */
public final class StatusJson {

	private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

	private StatusJson() {
	}

	public static String of(DatabaseStatus status) {
		Map<String, Object> root = new LinkedHashMap<>();
		List<Object> runs = new ArrayList<>();
		for (RunStatus run : status.runs()) {
			Map<String, Object> r = new LinkedHashMap<>();
			r.put("run_id", run.runId());
			r.put("dry_run", run.dryRun());
			r.put("revoke_legacy_keys", run.revokeLegacyKeys());
			r.put("input", run.input());
			r.put("input_digest", run.inputDigest());
			r.put("started", text(run.started()));
			r.put("ended", text(run.ended()));
			r.put("state", run.state());
			r.put("running", run.progress() != null);
			r.put("attempts", run.attempts());
			r.put("ran_by", run.ranBy());
			r.put("report_dir", run.reportDir());
			r.put("report", run.reportWhere());
			r.put("users_in_scope", run.usersInScope());
			r.put("outcomes", run.outcomes());
			RunStatus.Progress p = run.progress();
			if (p != null) {
				Map<String, Object> progress = new LinkedHashMap<>();
				progress.put("step", p.step());
				progress.put("users_decided", p.usersDecided());
				progress.put("users_in_scope", p.usersInScope());
				progress.put("users_per_second", p.usersPerSecond());
				progress.put("eta_seconds", p.etaSeconds());
				progress.put("last_update", text(p.lastUpdate()));
				progress.put("paused", p.pausedSince() != null);
				progress.put("paused_since", text(p.pausedSince()));
				progress.put("pause_file", p.pauseFile());
				r.put("progress", progress);
			}
			else {
				r.put("progress", null);
			}
			runs.add(r);
		}
		root.put("runs", runs);
		Map<String, Object> notifications = new LinkedHashMap<>(status.notifications());
		notifications.put("pending_after_failure", status.pendingAfterFailure());
		root.put("notifications", notifications);
		try {
			return JSON.writeValueAsString(root);
		}
		catch (JsonProcessingException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String text(Object time) {
		return time == null ? null : time.toString();
	}
}
