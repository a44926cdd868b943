package io.keyshift.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import io.keyshift.migration.Outcome;
import io.keyshift.migration.Plan;

/**
 * Renders a {@link RunSummary} as {@code summary.html}: one self-contained HTML5 page for the
 * operator, with inline CSS and an inline SVG bar chart, and no script, font, image or link from
 * anywhere else, so it opens the same from a laptop, a mail attachment or an air-gapped host. A
 * Content-Security-Policy forbids every fetch and every script as a second line of defence.
 * <p>
 * Account names, file names and paths come from the input, so every text and attribute is escaped.
 * Elements a test or a script may look for: {@code #totals}, {@code #outcome-chart} (one
 * {@code g.bar} per outcome present, with {@code data-outcome} and {@code data-rows}),
 * {@code #outcomes}, {@code #plans}, {@code #top-accounts}, {@code #rejects}, {@code #input-files},
 * {@code #steps} (one {@code tr} per step, with {@code data-step}), and {@code #dry-run-badge} and
 * {@code #dry-run-notice} on dry runs only. Every total is a {@code #total-...} card whose
 * {@code .value} holds the number as shown, with thousands separators. The markup is also
 * well-formed XML (void elements self-closed), so a test can parse it with the JDK's XML parser.
 */
public final class SummaryHtml {

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
		.withZone(ZoneOffset.UTC);

	private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

	private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

	private static final DateTimeFormatter TIME_NO_ZONE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
		.withZone(ZoneOffset.UTC);

	private static final Map<String, String> COLOURS = Map.of(Outcome.CREATED.name(), "#2f9e44",
			Outcome.WOULD_CREATE.name(), "#69db7c", Outcome.ALREADY_MIGRATED.name(), "#1c7ed6",
			Outcome.SKIPPED.name(), "#868e96", Outcome.QUARANTINED.name(), "#e8590c", Outcome.UPDATED.name(), "#7048e8",
			Outcome.WOULD_UPDATE.name(), "#b197fc", Outcome.REVOKED.name(), "#c92a2a", Outcome.WOULD_REVOKE.name(),
			"#ff8787");

	private static final String OTHER_COLOUR = "#495057";

	private static final String CSS = """
			:root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --panel: #f6f8fa; }
			* { box-sizing: border-box; }
			body { margin: 0 auto; max-width: 1080px; padding: 24px 28px 48px; color: var(--ink); background: #fff;
			  font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
			h1 { font-size: 26px; margin: 0 0 4px; display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
			h2 { font-size: 18px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
			.meta { color: var(--muted); margin: 0 0 4px; }
			.meta code { background: var(--panel); padding: 1px 5px; border-radius: 4px; word-break: break-all; }
			.badge { font-size: 14px; font-weight: 700; letter-spacing: .06em; padding: 3px 10px; border-radius: 6px; }
			.dry-run { background: #ffd43b; color: #5c3c00; border: 2px solid #f08c00; }
			.notice strong { font-size: 16px; }
			.notice { background: #fff9db; border: 1px solid #ffe066; border-left: 5px solid #f08c00; padding: 8px 12px;
			  border-radius: 6px; margin: 12px 0 0; }
			.totals { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 12px;
			  margin: 20px 0 0; }
			.card { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: var(--panel); }
			.card .value { display: block; font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums; }
			.card .label { display: block; font-weight: 600; }
			.card .sub { display: block; color: var(--muted); font-size: 13px; }
			.card.warn { background: #fff4e6; border-color: #ffc078; }
			.card.good { background: #ebfbee; border-color: #8ce99a; }
			svg.chart { width: 100%; max-width: 760px; height: auto; display: block; }
			svg.chart text { font: 13px system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; fill: var(--ink); }
			svg.chart .bar-label { font-weight: 600; }
			svg.chart .pct { fill: var(--muted); }
			table { border-collapse: collapse; min-width: 50%; margin: 4px 0; font-variant-numeric: tabular-nums; }
			th, td { text-align: left; padding: 5px 12px 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
			th { background: var(--panel); font-weight: 600; }
			td.num, th.num { text-align: right; }
			td.text { word-break: break-word; max-width: 480px; }
			tfoot td { font-weight: 650; border-top: 2px solid var(--line); }
			.swatch { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 6px;
			  vertical-align: -1px; }
			.empty, .hint { color: var(--muted); }
			.meter { display: inline-block; width: 160px; height: 10px; background: var(--panel); border: 1px solid var(--line);
			  border-radius: 3px; vertical-align: middle; overflow: hidden; }
			.meter > span { display: block; height: 100%; background: #4c6ef5; }
			td.note { color: var(--muted); font-size: 13px; }
			footer { margin-top: 36px; color: var(--muted); font-size: 13px; }
			@media print { .card, th { background: none; } }
			""";

	private SummaryHtml() {
	}

	/**
	 * The summary as a complete HTML5 document.
	 * @param s the run's figures
	 * @return the page
	 */
	public static String render(RunSummary s) {
		StringBuilder out = new StringBuilder(16_384);
		String title = "keyshift run " + s.runId();
		out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n")
			.append("<meta http-equiv=\"Content-Security-Policy\"")
			.append(" content=\"default-src 'none'; style-src 'unsafe-inline'\"/>\n")
			.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n")
			.append("<title>")
			.append(esc(title))
			.append(s.dryRun() ? " (dry run: rehearsal, nothing was written)" : "")
			.append("</title>\n<style>\n")
			.append(CSS)
			.append("</style>\n</head>\n<body>\n");
		header(out, s, title);
		totals(out, s);
		chart(out, s);
		outcomes(out, s);
		plans(out, s);
		topAccounts(out, s);
		rejects(out, s);
		inputFiles(out, s);
		steps(out, s);
		out.append("<footer>Written by keyshift. Every decision is in <code>report.csv</code>, every rejected ")
			.append("input row in <code>rejects.csv</code>, these figures for machines in <code>summary.json</code>. ")
			.append("This page holds counts only: no token, no legacy key.</footer>\n")
			.append("</body>\n</html>\n");
		return out.toString();
	}

	private static void header(StringBuilder out, RunSummary s, String title) {
		out.append("<header>\n<h1>").append(esc(title));
		if (s.dryRun()) {
			out.append(" <span class=\"badge dry-run\" id=\"dry-run-badge\">DRY RUN</span>");
		}
		out.append("</h1>\n<p class=\"meta\">Input <code>")
			.append(esc(s.input()))
			.append("</code> · started ")
			.append(esc(time(s.startedAt())))
			.append(" · finished ")
			.append(esc(time(s.finishedAt())))
			.append(" · legacy keys ")
			.append(s.revokeLegacyKeys() ? "revoked after migration" : "kept working (not revoked)")
			.append("</p>\n");
		if (s.dryRun()) {
			out.append("<p class=\"notice\" id=\"dry-run-notice\"><strong>Rehearsal: nothing was written.</strong> ")
				.append("This was a dry run: no token was minted, no legacy key changed and no notification was ")
				.append("queued. The figures show what a real run on this export would do.</p>\n");
			if (s.tokens() != null && s.tokens().overLimit()) {
				out.append("<p class=\"notice\" id=\"valve-notice\"><strong>A real run would stop.</strong> ")
					.append(esc(s.tokens().wouldStopLine()))
					.append("</p>\n");
			}
		}
		out.append("</header>\n");
	}

	private static void totals(StringBuilder out, RunSummary s) {
		boolean dry = s.dryRun();
		long quarantined = Figures.outcomeRows(s, Outcome.QUARANTINED);
		long rejected = Figures.rowsRejected(s);
		out.append("<h2>Totals</h2>\n<section id=\"totals\" class=\"totals\">\n");
		card(out, "users-in-scope", "", s.usersWithLegacyKey(), "Users in scope",
				number(s.usersWithoutLegacyKey()) + " without a legacy key (out of scope)");
		RunSummary.UserProgress progress = Figures.progress(s);
		card(out, "users-decided", progress.usersDone() < progress.usersTotal() ? "warn" : "", progress.usersDone(),
				"Users decided", "of " + number(progress.usersTotal()) + " (" + percent(progress.usersDone(),
						progress.usersTotal()) + ") · " + decimal(Figures.progressRate(s)) + " users/s · " + eta(progress));
		if (dry) {
			card(out, "would-be-tokens", "good", Figures.outcomeRows(s, Outcome.WOULD_CREATE), "Would-be tokens",
					"a real run would mint these");
		}
		else {
			card(out, "tokens-minted", "good", s.tokensMinted(), "Tokens minted",
					number(Figures.outcomeRows(s, Outcome.ALREADY_MIGRATED)) + " already migrated earlier");
		}
		earlierTokens(out, s);
		card(out, "keys-migrated", "", s.keysMigrated(), "Legacy keys migrated",
				dry ? "a dry run changes no key" : "still working during the grace period");
		card(out, "keys-revoked", "", s.keysRevoked(), "Legacy keys revoked",
				s.revokeLegacyKeys() ? "--revoke-legacy-keys was given" : "revocation not requested");
		StringBuilder kinds = new StringBuilder();
		for (Map.Entry<String, Long> kind : Figures.notificationTotals(s).entrySet()) {
			kinds.append(kinds.isEmpty() ? "" : " · ").append(kind.getKey()).append(' ').append(number(kind.getValue()));
		}
		card(out, "notifications", "", Figures.notificationCount(s),
				dry ? "Notifications (would queue)" : "Notifications queued", kinds.toString());
		card(out, "quarantined", quarantined > 0 ? "warn" : "", quarantined, "Quarantined rows",
				quarantined > 0 ? "fix the data and rerun" : "no data problem");
		card(out, "rows-read", "", Figures.rowsRead(s), "Input rows read",
				number(Figures.rowsDeduplicated(s)) + " exact duplicates merged");
		card(out, "rows-rejected", rejected > 0 ? "warn" : "", rejected, "Input rows rejected",
				rejected > 0 ? "listed in rejects.csv" : "every row was usable");
		cardText(out, "duration", duration(Figures.durationSeconds(s)), "Duration",
				Figures.timed(s) ? decimal(Figures.rowsPerSecond(s)) + " input rows per second" : "");
		out.append("</section>\n");
	}

	/** SPEC §3.2: the PATs of earlier runs, updated, revoked by reason, and left alone out of scope. */
	private static void earlierTokens(StringBuilder out, RunSummary s) {
		RunSummary.Tokens t = s.tokens();
		if (t == null) {
			return;
		}
		boolean dry = s.dryRun();
		long updated = Figures.outcomeRows(s, dry ? Outcome.WOULD_UPDATE : Outcome.UPDATED);
		Outcome revokedOutcome = dry ? Outcome.WOULD_REVOKE : Outcome.REVOKED;
		long revoked = Figures.outcomeRows(s, revokedOutcome);
		StringBuilder reasons = new StringBuilder();
		for (RunSummary.OutcomeCount o : Figures.list(s.outcomes())) {
			if (o.outcome().equals(revokedOutcome.name())) {
				reasons.append(reasons.isEmpty() ? "" : " · ").append(o.reason()).append(' ').append(number(o.rows()));
			}
		}
		card(out, "tokens-updated", "", updated, dry ? "Tokens a real run would update" : "Tokens updated",
				"permissions replaced by their owner's current ones");
		card(out, "tokens-revoked", t.overLimit() ? "warn" : "", revoked,
				dry ? "Tokens a real run would revoke" : "Tokens revoked",
				(reasons.isEmpty() ? "" : reasons + " · ") + "limit " + number(t.revocationLimit())
						+ " (--max-revocations)" + (t.overLimit() ? " · a real run would stop" : ""));
		card(out, "tokens-untouched", "", t.untouchedOutOfScope(), "Tokens left as they are",
				"their users are not in this export");
	}

	private static void card(StringBuilder out, String id, String kind, long value, String label, String sub) {
		cardText(out, id, number(value), label, sub, kind);
	}

	private static void cardText(StringBuilder out, String id, String value, String label, String sub) {
		cardText(out, id, value, label, sub, "");
	}

	private static void cardText(StringBuilder out, String id, String value, String label, String sub, String kind) {
		out.append("<div class=\"card").append(kind.isEmpty() ? "" : " " + kind).append("\" id=\"total-")
			.append(esc(id))
			.append("\"><span class=\"value\">")
			.append(esc(value))
			.append("</span><span class=\"label\">")
			.append(esc(label))
			.append("</span>");
		if (!sub.isEmpty()) {
			out.append("<span class=\"sub\">").append(esc(sub)).append("</span>");
		}
		out.append("</div>\n");
	}

	private static void chart(StringBuilder out, RunSummary s) {
		List<Map.Entry<String, Long>> bars = new ArrayList<>();
		for (Map.Entry<String, Long> total : Figures.outcomeTotals(s).entrySet()) {
			if (total.getValue() > 0) {
				bars.add(total);
			}
		}
		long all = Figures.reportRows(s);
		out.append("<h2>Report rows per outcome</h2>\n");
		if (bars.isEmpty()) {
			out.append("<p class=\"empty\" id=\"outcome-chart\">No report rows in this run.</p>\n");
			return;
		}
		long max = bars.stream().mapToLong(Map.Entry::getValue).max().orElse(1);
		int labelWidth = 170;
		int barSpace = 450;
		int rowHeight = 34;
		int width = 760;
		int height = bars.size() * rowHeight + 8;
		StringBuilder desc = new StringBuilder();
		for (Map.Entry<String, Long> bar : bars) {
			desc.append(desc.isEmpty() ? "" : "; ").append(bar.getKey()).append(": ").append(number(bar.getValue()));
		}
		out.append("<svg id=\"outcome-chart\" class=\"chart\" role=\"img\" viewBox=\"0 0 ")
			.append(width)
			.append(' ')
			.append(height)
			.append("\" width=\"")
			.append(width)
			.append("\" height=\"")
			.append(height)
			.append("\" aria-labelledby=\"outcome-chart-title outcome-chart-desc\">\n")
			.append("<title id=\"outcome-chart-title\">Report rows per outcome</title>\n")
			.append("<desc id=\"outcome-chart-desc\">")
			.append(esc(desc.toString()))
			.append(" (")
			.append(number(all))
			.append(" rows in all)</desc>\n");
		int y = 4;
		for (Map.Entry<String, Long> bar : bars) {
			String outcome = bar.getKey();
			long rows = bar.getValue();
			long barWidth = Math.max(2, Math.round((double) rows * barSpace / max));
			out.append("<g class=\"bar\" data-outcome=\"")
				.append(esc(outcome))
				.append("\" data-rows=\"")
				.append(rows)
				.append("\">")
				.append("<title>")
				.append(esc(outcome))
				.append(": ")
				.append(number(rows))
				.append(" rows (")
				.append(esc(percent(rows, all)))
				.append(")</title>")
				.append("<text class=\"bar-label\" x=\"")
				.append(labelWidth - 10)
				.append("\" y=\"")
				.append(y + 18)
				.append("\" text-anchor=\"end\">")
				.append(esc(outcome))
				.append("</text>")
				.append("<rect x=\"")
				.append(labelWidth)
				.append("\" y=\"")
				.append(y + 3)
				.append("\" width=\"")
				.append(barWidth)
				.append("\" height=\"22\" rx=\"3\" fill=\"")
				.append(colour(outcome))
				.append("\"/>")
				.append("<text class=\"bar-count\" x=\"")
				.append(labelWidth + barWidth + 8)
				.append("\" y=\"")
				.append(y + 18)
				.append("\">")
				.append(number(rows))
				.append("<tspan class=\"pct\"> (")
				.append(esc(percent(rows, all)))
				.append(")</tspan></text></g>\n");
			y += rowHeight;
		}
		out.append("</svg>\n");
	}

	private static void outcomes(StringBuilder out, RunSummary s) {
		List<RunSummary.OutcomeCount> rows = Figures.outcomes(s);
		long all = Figures.reportRows(s);
		out.append("<h2>Outcomes and reasons</h2>\n");
		if (rows.isEmpty()) {
			out.append("<p class=\"empty\" id=\"outcomes\">No report rows in this run.</p>\n");
			return;
		}
		out.append("<table id=\"outcomes\">\n<thead><tr><th>Outcome</th><th>Reason</th>")
			.append("<th class=\"num\">Rows</th><th class=\"num\">Share</th><th>Meaning</th></tr></thead>\n<tbody>\n");
		for (RunSummary.OutcomeCount o : rows) {
			out.append("<tr data-outcome=\"")
				.append(esc(o.outcome()))
				.append("\"><td>")
				.append(swatch(o.outcome()))
				.append(esc(o.outcome()))
				.append("</td><td>")
				.append(o.reason() == null ? "—" : esc(o.reason()))
				.append("</td><td class=\"num\">")
				.append(number(o.rows()))
				.append("</td><td class=\"num\">")
				.append(esc(percent(o.rows(), all)))
				.append("</td><td class=\"note\">")
				.append(esc(Meanings.of(o.outcome(), o.reason())))
				.append("</td></tr>\n");
		}
		out.append("</tbody>\n<tfoot><tr><td colspan=\"2\">Total</td><td class=\"num\">")
			.append(number(all))
			.append("</td><td class=\"num\">100%</td><td></td></tr></tfoot>\n</table>\n")
			.append("<p class=\"hint\">QUARANTINED rows are data problems: fix the data in the export and run ")
			.append("again. SKIPPED rows are policy: nothing to do.</p>\n");
	}

	private static void plans(StringBuilder out, RunSummary s) {
		List<RunSummary.PlanCount> counts = Figures.list(s.plans());
		out.append("<h2>Per account plan</h2>\n");
		if (counts.isEmpty()) {
			out.append("<p class=\"empty\" id=\"plans\">No report rows in this run.</p>\n");
			return;
		}
		TreeSet<String> outcomes = new TreeSet<>(
				Comparator.comparingInt(Figures::outcomeRank).thenComparing(Comparator.naturalOrder()));
		Map<String, Map<String, Long>> byPlan = new LinkedHashMap<>();
		List<RunSummary.PlanCount> sorted = new ArrayList<>(counts);
		sorted.sort(Comparator.comparingInt((RunSummary.PlanCount p) -> planRank(p.plan()))
			.thenComparing(p -> String.valueOf(p.plan())));
		for (RunSummary.PlanCount p : sorted) {
			outcomes.add(String.valueOf(p.outcome()));
			byPlan.computeIfAbsent(String.valueOf(p.plan()), k -> new LinkedHashMap<>())
				.merge(String.valueOf(p.outcome()), p.rows(), Long::sum);
		}
		out.append("<table id=\"plans\">\n<thead><tr><th>Plan</th>");
		for (String outcome : outcomes) {
			out.append("<th class=\"num\">").append(swatch(outcome)).append(esc(outcome)).append("</th>");
		}
		out.append("<th class=\"num\">Total</th></tr></thead>\n<tbody>\n");
		for (Map.Entry<String, Map<String, Long>> plan : byPlan.entrySet()) {
			out.append("<tr data-plan=\"").append(esc(plan.getKey())).append("\"><td>").append(esc(plan.getKey()));
			out.append("</td>");
			long total = 0;
			for (String outcome : outcomes) {
				long rows = plan.getValue().getOrDefault(outcome, 0L);
				total += rows;
				out.append("<td class=\"num\">").append(rows == 0 ? "·" : number(rows)).append("</td>");
			}
			out.append("<td class=\"num\">").append(number(total)).append("</td></tr>\n");
		}
		out.append("</tbody>\n</table>\n<p class=\"hint\">Plan <em>none</em>: user-level rows (no account); ")
			.append("<em>unknown</em>: an account missing from accounts.csv.</p>\n");
	}

	private static void topAccounts(StringBuilder out, RunSummary s) {
		List<RunSummary.AccountCount> accounts = Figures.list(s.topAccounts());
		String tokens = s.dryRun() ? "Would-be tokens" : "Tokens";
		out.append("<h2>Top accounts by ").append(tokens.toLowerCase(Locale.ROOT)).append("</h2>\n");
		if (accounts.isEmpty()) {
			out.append("<p class=\"empty\" id=\"top-accounts\">No token in this run.</p>\n");
			return;
		}
		out.append("<table id=\"top-accounts\">\n<thead><tr><th class=\"num\">Account id</th><th>Account</th>")
			.append("<th>Plan</th><th class=\"num\">")
			.append(tokens)
			.append("</th></tr></thead>\n<tbody>\n");
		for (RunSummary.AccountCount a : accounts) {
			out.append("<tr><td class=\"num\">")
				.append(a.accountId())
				.append("</td><td class=\"text\">")
				.append(esc(a.accountName()))
				.append("</td><td>")
				.append(esc(a.plan()))
				.append("</td><td class=\"num\">")
				.append(number(a.tokens()))
				.append("</td></tr>\n");
		}
		out.append("</tbody>\n</table>\n");
	}

	private static void rejects(StringBuilder out, RunSummary s) {
		List<RunSummary.RejectCount> rejects = Figures.list(s.rejects());
		out.append("<h2>Rejected input rows</h2>\n");
		if (rejects.isEmpty()) {
			out.append("<p class=\"empty\" id=\"rejects\">No input row was rejected.</p>\n");
			return;
		}
		out.append("<table id=\"rejects\">\n<thead><tr><th>File</th><th>Category</th>")
			.append("<th class=\"num\">Rows</th></tr></thead>\n<tbody>\n");
		long total = 0;
		for (RunSummary.RejectCount r : rejects) {
			total += r.rows();
			out.append("<tr><td class=\"text\">")
				.append(esc(r.file()))
				.append("</td><td class=\"text\">")
				.append(esc(r.category()))
				.append("</td><td class=\"num\">")
				.append(number(r.rows()))
				.append("</td></tr>\n");
		}
		out.append("</tbody>\n<tfoot><tr><td colspan=\"2\">Total (details in rejects.csv)</td><td class=\"num\">")
			.append(number(total))
			.append("</td></tr></tfoot>\n</table>\n");
	}

	private static void inputFiles(StringBuilder out, RunSummary s) {
		List<RunSummary.FileCount> files = Figures.list(s.inputFiles());
		out.append("<h2>Input files</h2>\n");
		if (files.isEmpty()) {
			out.append("<p class=\"empty\" id=\"input-files\">No input file was read.</p>\n");
			return;
		}
		out.append("<table id=\"input-files\">\n<thead><tr><th>File</th><th class=\"num\">Rows read</th>")
			.append("<th class=\"num\">Rejected</th><th class=\"num\">Deduplicated</th></tr></thead>\n<tbody>\n");
		for (RunSummary.FileCount f : files) {
			out.append("<tr><td class=\"text\">")
				.append(esc(f.file()))
				.append("</td><td class=\"num\">")
				.append(number(f.rowsRead()))
				.append("</td><td class=\"num\">")
				.append(number(f.rowsRejected()))
				.append("</td><td class=\"num\">")
				.append(number(f.rowsDeduplicated()))
				.append("</td></tr>\n");
		}
		out.append("</tbody>\n<tfoot><tr><td>Total</td><td class=\"num\">")
			.append(number(Figures.rowsRead(s)))
			.append("</td><td class=\"num\">")
			.append(number(Figures.rowsRejected(s)))
			.append("</td><td class=\"num\">")
			.append(number(Figures.rowsDeduplicated(s)))
			.append("</td></tr></tfoot>\n</table>\n");
	}

	private static void steps(StringBuilder out, RunSummary s) {
		List<RunSummary.StepTiming> steps = Figures.list(s.steps());
		out.append("<h2>Run timing</h2>\n");
		if (steps.isEmpty()) {
			out.append("<p class=\"empty\" id=\"steps\">No step timing was recorded.</p>\n");
			return;
		}
		int attempts = steps.stream().mapToInt(RunSummary.StepTiming::executions).max().orElse(1);
		out.append("<p class=\"meta\">Started ")
			.append(esc(time(s.startedAt())))
			.append(", figures taken ")
			.append(esc(time(s.finishedAt())))
			.append(": ")
			.append(esc(duration(Figures.durationSeconds(s))))
			.append(" in all");
		if (attempts > 1) {
			out.append(", over ").append(attempts).append(" attempts (the run was resumed; pauses between ")
				.append("attempts are not counted in the steps' times)");
		}
		out.append(".</p>\n");
		long all = Math.max(1, Figures.stepsTime(s).toMillis());
		out.append("<table id=\"steps\">\n<thead><tr><th>Step</th><th>Started</th><th>Finished</th>")
			.append("<th class=\"num\">Time</th><th>Share of the steps' time</th><th class=\"num\">Read</th>")
			.append("<th class=\"num\">Written</th><th class=\"num\">Attempts</th><th>Status</th></tr></thead>\n")
			.append("<tbody>\n");
		boolean running = false;
		for (RunSummary.StepTiming t : steps) {
			long millis = t.time() == null ? 0 : t.time().toMillis();
			long width = Math.min(100, Math.round(100.0 * millis / all));
			running |= "STARTED".equals(t.status());
			out.append("<tr data-step=\"")
				.append(esc(t.step()))
				.append("\"><td>")
				.append(esc(t.step()))
				.append(t.partitions() > 0 ? " <span class=\"hint\">(" + t.partitions() + " partitions)</span>" : "")
				.append("</td><td>")
				.append(esc(clock(t.startedAt(), s.startedAt())))
				.append("</td><td>")
				.append(esc(clock(t.finishedAt(), s.startedAt())))
				.append("</td><td class=\"num\">")
				.append(esc(duration(Figures.seconds(t.time()))))
				.append("</td><td><span class=\"meter\"><span style=\"width:")
				.append(width)
				.append("%\"></span></span> ")
				.append(width)
				.append("%</td><td class=\"num\">")
				.append(number(t.itemsRead()))
				.append("</td><td class=\"num\">")
				.append(number(t.itemsWritten()))
				.append("</td><td class=\"num\">")
				.append(t.executions())
				.append("</td><td>")
				.append(esc(status(t.status())))
				.append("</td></tr>\n");
		}
		out.append("</tbody>\n</table>\n<p class=\"hint\">Times are UTC. Read and written count the items of ")
			.append("chunked steps (users, for <em>migrate</em>); a step that works in one go shows 0.");
		if (running) {
			out.append(" A step <em>in progress</em> is the one writing this report: its time runs to the moment ")
				.append("these figures were taken.");
		}
		out.append("</p>\n");
	}

	private static String status(String status) {
		if (status == null) {
			return "unknown";
		}
		return "STARTED".equals(status) ? "in progress" : status.toLowerCase(Locale.ROOT);
	}

	/** A time of day, with its date when the run started on another day. */
	private static String clock(Instant instant, Instant runStart) {
		if (instant == null) {
			return "unknown";
		}
		boolean sameDay = runStart != null && DAY.format(instant).equals(DAY.format(runStart));
		return (sameDay ? CLOCK : TIME_NO_ZONE).format(instant);
	}

	private static String eta(RunSummary.UserProgress progress) {
		Long eta = progress.etaSeconds();
		if (eta == null) {
			return "ETA unknown";
		}
		return eta == 0 ? "all done" : "ETA " + duration(BigDecimal.valueOf(eta));
	}

	/** Text made safe for an HTML text node or a quoted attribute value; "" for {@code null}. */
	static String esc(String text) {
		return io.keyshift.report.HtmlText.escape(text);
	}

	private static String swatch(String outcome) {
		return "<span class=\"swatch\" style=\"background:" + colour(outcome) + "\"></span>";
	}

	private static String colour(String outcome) {
		return COLOURS.getOrDefault(outcome, OTHER_COLOUR);
	}

	private static int planRank(String plan) {
		for (Plan p : Plan.values()) {
			if (p.code().equals(plan)) {
				return p.ordinal();
			}
		}
		return Plan.values().length;
	}

	private static String number(long n) {
		return String.format(Locale.ROOT, "%,d", n);
	}

	private static String decimal(BigDecimal n) {
		return String.format(Locale.ROOT, "%,.1f", n);
	}

	private static String percent(long part, long whole) {
		if (whole == 0) {
			return "0%";
		}
		double percent = 100.0 * part / whole;
		// a handful of quarantined rows among thousands must not read as none
		return (part > 0 && percent < 0.05) ? "<0.1%" : String.format(Locale.ROOT, "%.1f%%", percent);
	}

	private static String time(Instant instant) {
		return instant == null ? "unknown" : TIME.format(instant);
	}

	/** "340 ms", "12.3 s", "4 min 05 s", "2 h 03 min": exact figures are in summary.json. */
	private static String duration(BigDecimal seconds) {
		if (seconds == null) {
			return "unknown";
		}
		if (seconds.compareTo(BigDecimal.ONE) < 0) {
			return seconds.movePointRight(3).setScale(0, RoundingMode.HALF_UP).toPlainString() + " ms";
		}
		if (seconds.compareTo(BigDecimal.valueOf(60)) < 0) {
			return String.format(Locale.ROOT, "%.1f s", seconds);
		}
		long whole = seconds.longValue();
		if (whole < 3600) {
			return String.format(Locale.ROOT, "%d min %02d s", whole / 60, whole % 60);
		}
		return String.format(Locale.ROOT, "%d h %02d min", whole / 3600, whole % 3600 / 60);
	}
}
