package io.keyshift.report;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link RunSummary} as {@code summary.json}: pretty-printed, keys in a fixed order,
 * timestamps ISO-8601 (UTC), durations in seconds with millisecond decimals, rates with at most one
 * decimal. Written by hand so the report package needs no JSON library; strings are escaped per
 * RFC 8259, and U+2028/U+2029 as well so the file is also safe to embed in JavaScript.
 * <p>
 * The input directory sits inside the {@code input} object as {@code input.directory}, beside the
 * per-file row counts, so that no key appears twice.
 * <p>
 * {@code progress} holds the figures the job prints while it runs (SPEC §8), as of the end:
 * {@code users_done} / {@code users_total}, {@code users_per_second} over the time of the step that
 * decides users, and {@code eta_seconds} (0 once every user is decided). {@code steps} holds each
 * step's time and item counts, read from Spring Batch's records: a resumed run's attempts are added
 * up, a partitioned step's workers folded into it; the report step, still writing this report, is
 * {@value StepTimings#WRITING}. {@code rates.rows_per_second} is input rows over the whole run.
 */
public final class SummaryJson {

	private static final String INDENT = "  ";

	private SummaryJson() {
	}

	/**
	 * The summary as a JSON document, ending with a line break.
	 * @param s the run's figures
	 * @return the JSON text
	 */
	public static String render(RunSummary s) {
		StringBuilder out = new StringBuilder();
		write(out, document(s), 0);
		return out.append('\n').toString();
	}

	private static Map<String, Object> document(RunSummary s) {
		Map<String, Object> doc = new LinkedHashMap<>();
		doc.put("run_id", s.runId());
		doc.put("dry_run", s.dryRun());
		doc.put("revoke_legacy_keys", s.revokeLegacyKeys());
		doc.put("started_at", instant(s.startedAt()));
		doc.put("finished_at", instant(s.finishedAt()));
		doc.put("duration_seconds", Figures.durationSeconds(s));
		doc.put("input", input(s));
		doc.put("users", object("with_legacy_key", s.usersWithLegacyKey(), "without_legacy_key_out_of_scope",
				s.usersWithoutLegacyKey()));
		List<Object> outcomes = new ArrayList<>();
		for (RunSummary.OutcomeCount o : Figures.outcomes(s)) {
			outcomes.add(object("outcome", o.outcome(), "reason", o.reason(), "rows", o.rows()));
		}
		doc.put("outcomes", outcomes);
		doc.put("outcomes_total", new LinkedHashMap<String, Object>(Figures.outcomeTotals(s)));
		List<Object> plans = new ArrayList<>();
		for (RunSummary.PlanCount p : Figures.list(s.plans())) {
			plans.add(object("plan", p.plan(), "outcome", p.outcome(), "rows", p.rows()));
		}
		doc.put("plans", plans);
		doc.put("tokens_minted", s.tokensMinted());
		doc.put("earlier_tokens", earlierTokens(s));
		doc.put("legacy_keys", object("migrated", s.keysMigrated(), "revoked", s.keysRevoked()));
		doc.put("notifications", new LinkedHashMap<String, Object>(Figures.notificationTotals(s)));
		List<Object> top = new ArrayList<>();
		for (RunSummary.AccountCount a : Figures.list(s.topAccounts())) {
			top.add(object("account_id", a.accountId(), "account_name", a.accountName(), "plan", a.plan(), "tokens",
					a.tokens()));
		}
		doc.put("top_accounts", top);
		List<Object> rejects = new ArrayList<>();
		for (RunSummary.RejectCount r : Figures.list(s.rejects())) {
			rejects.add(object("file", r.file(), "category", r.category(), "rows", r.rows()));
		}
		doc.put("rejects", rejects);
		// users per second once only, in progress: over the migrate step, as the progress lines print it
		doc.put("rates", object("rows_per_second", Figures.rowsPerSecond(s)));
		RunSummary.UserProgress progress = Figures.progress(s);
		doc.put("progress", object("users_done", progress.usersDone(), "users_total", progress.usersTotal(),
				"users_per_second", Figures.progressRate(s), "eta_seconds", progress.etaSeconds()));
		List<Object> steps = new ArrayList<>();
		for (RunSummary.StepTiming t : Figures.list(s.steps())) {
			Map<String, Object> step = object("step", t.step(), "executions", t.executions(), "partitions",
					t.partitions(), "started_at", instant(t.startedAt()), "finished_at", instant(t.finishedAt()),
					"duration_seconds", Figures.seconds(t.time()), "items_read", t.itemsRead(), "items_written",
					t.itemsWritten(), "items_filtered", t.itemsFiltered(), "status", t.status());
			steps.add(step);
		}
		doc.put("steps", steps);
		return doc;
	}

	/**
	 * SPEC §3.2: what happened to the PATs of earlier runs. {@code updated} and {@code revoked} count
	 * the UPDATED and REVOKED rows (their WOULD_ forms in a dry run), the revocations by reason;
	 * {@code untouched_out_of_scope} the ACTIVE PATs of users this export does not name;
	 * {@code revocation_valve} the count the valve made before the migrate step and its limit.
	 */
	private static Map<String, Object> earlierTokens(RunSummary s) {
		Map<String, Object> revoked = new LinkedHashMap<>();
		long updated = 0;
		for (RunSummary.OutcomeCount o : Figures.list(s.outcomes())) {
			if (o.outcome().equals("UPDATED") || o.outcome().equals("WOULD_UPDATE")) {
				updated += o.rows();
			}
			if (o.outcome().equals("REVOKED") || o.outcome().equals("WOULD_REVOKE")) {
				revoked.merge(o.reason(), o.rows(), (a, b) -> (Long) a + (Long) b);
			}
		}
		RunSummary.Tokens t = s.tokens();
		Map<String, Object> doc = new LinkedHashMap<>();
		doc.put("active_in_scope", t == null ? null : t.activeInScope());
		doc.put("updated", updated);
		doc.put("revoked", revoked);
		doc.put("untouched_out_of_scope", t == null ? null : t.untouchedOutOfScope());
		doc.put("revocation_valve", t == null ? null
				: object("revocations", t.revocationsPlanned(), "limit", t.revocationLimit(), "over_limit",
						t.overLimit()));
		return doc;
	}

	private static Map<String, Object> input(RunSummary s) {
		List<Object> files = new ArrayList<>();
		for (RunSummary.FileCount f : Figures.list(s.inputFiles())) {
			files.add(object("file", f.file(), "rows_read", f.rowsRead(), "rows_rejected", f.rowsRejected(),
					"rows_deduplicated", f.rowsDeduplicated()));
		}
		Map<String, Object> input = new LinkedHashMap<>();
		input.put("directory", s.input());
		input.put("files", files);
		input.put("rows_read", Figures.rowsRead(s));
		input.put("rows_rejected", Figures.rowsRejected(s));
		input.put("rows_deduplicated", Figures.rowsDeduplicated(s));
		return input;
	}

	private static String instant(Instant instant) {
		return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
	}

	private static Map<String, Object> object(Object... keysAndValues) {
		Map<String, Object> map = new LinkedHashMap<>();
		for (int i = 0; i < keysAndValues.length; i += 2) {
			map.put((String) keysAndValues[i], keysAndValues[i + 1]);
		}
		return map;
	}

	private static void write(StringBuilder out, Object value, int depth) {
		if (value == null) {
			out.append("null");
		}
		else if (value instanceof String text) {
			string(out, text);
		}
		else if (value instanceof BigDecimal decimal) {
			out.append(decimal.toPlainString());
		}
		else if (value instanceof Long || value instanceof Integer || value instanceof Boolean) {
			out.append(value);
		}
		else if (value instanceof Map<?, ?> map) {
			container(out, '{', '}', map.entrySet().iterator(), depth, (entry, d) -> {
				Map.Entry<?, ?> e = (Map.Entry<?, ?>) entry;
				string(out, (String) e.getKey());
				out.append(": ");
				write(out, e.getValue(), d);
			});
		}
		else if (value instanceof List<?> list) {
			container(out, '[', ']', list.iterator(), depth, (item, d) -> write(out, item, d));
		}
		else {
			throw new IllegalArgumentException("no JSON form for " + value.getClass());
		}
	}

	private interface Member {

		void write(Object member, int depth);
	}

	private static void container(StringBuilder out, char open, char close, Iterator<?> members, int depth,
			Member member) {
		out.append(open);
		if (!members.hasNext()) {
			out.append(close);
			return;
		}
		while (members.hasNext()) {
			out.append('\n').append(INDENT.repeat(depth + 1));
			member.write(members.next(), depth + 1);
			if (members.hasNext()) {
				out.append(',');
			}
		}
		out.append('\n').append(INDENT.repeat(depth)).append(close);
	}

	static void string(StringBuilder out, String text) {
		out.append('"');
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '"' -> out.append("\\\"");
				case '\\' -> out.append("\\\\");
				case '\n' -> out.append("\\n");
				case '\r' -> out.append("\\r");
				case '\t' -> out.append("\\t");
				case '\b' -> out.append("\\b");
				case '\f' -> out.append("\\f");
				default -> {
					if (c < 0x20 || c == 0x7f || c == '\u2028' || c == '\u2029' || isLoneSurrogate(text, i)) {
						out.append(String.format("\\u%04x", (int) c));
					}
					else {
						out.append(c);
					}
				}
			}
		}
		out.append('"');
	}

	/** A half of a surrogate pair without its other half: UTF-8 cannot encode it, JSON's escape can. */
	private static boolean isLoneSurrogate(String text, int i) {
		char c = text.charAt(i);
		if (Character.isHighSurrogate(c)) {
			return i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1));
		}
		if (Character.isLowSurrogate(c)) {
			return i == 0 || !Character.isHighSurrogate(text.charAt(i - 1));
		}
		return false;
	}
}
