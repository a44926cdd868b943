package io.keyshift.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
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

	private SummaryHtml() {
	}

	/**
	 * The summary as a complete HTML5 document, laid out by {@code templates/report/summary.html}.
	 * @param s the run's figures
	 * @return the page
	 */
	public static String render(RunSummary s) {
		Map<String, Object> page = new HashMap<>();
		page.put("title", "keyshift run " + s.runId());
		page.put("dryRun", s.dryRun());
		page.put("input", VisibleText.of(s.input()));
		page.put("started", time(s.startedAt()));
		page.put("finished", time(s.finishedAt()));
		page.put("legacyKeys", s.revokeLegacyKeys() ? "revoked after migration" : "kept working (not revoked)");
		page.put("valve", s.tokens() != null && s.tokens().overLimit() ? VisibleText.of(s.tokens().wouldStopLine()) : null);
		page.put("cards", totals(s));
		chart(page, s);
		page.put("reportRows", number(Figures.reportRows(s)));
		page.put("outcomes", outcomes(s));
		plans(page, s);
		String tokens = s.dryRun() ? "Would-be tokens" : "Tokens";
		page.put("tokensLabel", tokens);
		page.put("accounts", Figures.list(s.topAccounts())
			.stream()
			.map(a -> cells(String.valueOf(a.accountId()), a.accountName(), a.plan(), number(a.tokens())))
			.toList());
		List<RunSummary.RejectCount> rejects = Figures.list(s.rejects());
		page.put("rejects", rejects.stream().map(r -> cells(r.file(), r.category(), number(r.rows()))).toList());
		page.put("rejectsTotal", number(rejects.stream().mapToLong(RunSummary.RejectCount::rows).sum()));
		page.put("files", Figures.list(s.inputFiles())
			.stream()
			.map(f -> cells(f.file(), number(f.rowsRead()), number(f.rowsRejected()), number(f.rowsDeduplicated())))
			.toList());
		page.put("filesTotal", List.of(number(Figures.rowsRead(s)), number(Figures.rowsRejected(s)),
				number(Figures.rowsDeduplicated(s))));
		steps(page, s);
		return Templates.render("report/summary.html", page);
	}

	/** One {@code #total-...} card; {@code css} is its class attribute. */
	public record Card(String id, String css, String value, String label, String sub) {
	}

	/** One bar of the chart, {@code y} its top. */
	public record Bar(String outcome, long rows, String count, String share, long width, String colour, int y) {
	}

	private static List<Card> totals(RunSummary s) {
		boolean dry = s.dryRun();
		long quarantined = Figures.outcomeRows(s, Outcome.QUARANTINED);
		long rejected = Figures.rowsRejected(s);
		List<Card> cards = new ArrayList<>();
		cards.add(card("users-in-scope", "", s.usersWithLegacyKey(), "Users in scope",
				number(s.usersWithoutLegacyKey()) + " without a legacy key (out of scope)"));
		RunSummary.UserProgress progress = Figures.progress(s);
		cards.add(card("users-decided", progress.usersDone() < progress.usersTotal() ? "warn" : "", progress.usersDone(),
				"Users decided", "of " + number(progress.usersTotal()) + " (" + percent(progress.usersDone(),
						progress.usersTotal()) + ") · " + decimal(Figures.progressRate(s)) + " users/s · " + eta(progress)));
		if (dry) {
			cards.add(card("would-be-tokens", "good", Figures.outcomeRows(s, Outcome.WOULD_CREATE), "Would-be tokens",
					"a real run would mint these"));
		}
		else {
			cards.add(card("tokens-minted", "good", s.tokensMinted(), "Tokens minted",
					number(Figures.outcomeRows(s, Outcome.ALREADY_MIGRATED)) + " already migrated earlier"));
		}
		earlierTokens(cards, s);
		cards.add(card("keys-migrated", "", s.keysMigrated(), "Legacy keys migrated",
				dry ? "a dry run changes no key" : "still working during the grace period"));
		cards.add(card("keys-revoked", "", s.keysRevoked(), "Legacy keys revoked",
				s.revokeLegacyKeys() ? "--revoke-legacy-keys was given" : "revocation not requested"));
		List<String> kinds = new ArrayList<>();
		Figures.notificationTotals(s).forEach((kind, count) -> kinds.add(kind + " " + number(count)));
		cards.add(card("notifications", "", Figures.notificationCount(s),
				dry ? "Notifications (would queue)" : "Notifications queued", String.join(" · ", kinds)));
		cards.add(card("quarantined", quarantined > 0 ? "warn" : "", quarantined, "Quarantined rows",
				quarantined > 0 ? "fix the data and rerun" : "no data problem"));
		cards.add(card("rows-read", "", Figures.rowsRead(s), "Input rows read",
				number(Figures.rowsDeduplicated(s)) + " exact duplicates merged"));
		cards.add(card("rows-rejected", rejected > 0 ? "warn" : "", rejected, "Input rows rejected",
				rejected > 0 ? "listed in rejects.csv" : "every row was usable"));
		cards.add(new Card("duration", "card", duration(Figures.durationSeconds(s)), "Duration",
				Figures.timed(s) ? decimal(Figures.rowsPerSecond(s)) + " input rows per second" : ""));
		return cards;
	}

	/** SPEC §3.2: the PATs of earlier runs, updated, revoked by reason, and left alone out of scope. */
	private static void earlierTokens(List<Card> cards, RunSummary s) {
		RunSummary.Tokens t = s.tokens();
		if (t == null) {
			return;
		}
		boolean dry = s.dryRun();
		long updated = Figures.outcomeRows(s, dry ? Outcome.WOULD_UPDATE : Outcome.UPDATED);
		Outcome revokedOutcome = dry ? Outcome.WOULD_REVOKE : Outcome.REVOKED;
		long revoked = Figures.outcomeRows(s, revokedOutcome);
		List<String> reasons = new ArrayList<>();
		for (RunSummary.OutcomeCount o : Figures.list(s.outcomes())) {
			if (o.outcome().equals(revokedOutcome.name())) {
				reasons.add(o.reason() + " " + number(o.rows()));
			}
		}
		cards.add(card("tokens-updated", "", updated, dry ? "Tokens a real run would update" : "Tokens updated",
				"permissions replaced by their owner's current ones"));
		cards.add(card("tokens-revoked", t.overLimit() ? "warn" : "", revoked,
				dry ? "Tokens a real run would revoke" : "Tokens revoked",
				(reasons.isEmpty() ? "" : String.join(" · ", reasons) + " · ") + "limit " + number(t.revocationLimit())
						+ " (--max-revocations)" + (t.overLimit() ? " · a real run would stop" : "")));
		cards.add(card("tokens-untouched", "", t.untouchedOutOfScope(), "Tokens left as they are",
				"their users are not in this export"));
	}

	private static Card card(String id, String kind, long value, String label, String sub) {
		return new Card(id, kind.isEmpty() ? "card" : "card " + kind, number(value), label, VisibleText.of(sub));
	}

	private static void chart(Map<String, Object> page, RunSummary s) {
		long all = Figures.reportRows(s);
		List<Map.Entry<String, Long>> present = Figures.outcomeTotals(s)
			.entrySet()
			.stream()
			.filter(total -> total.getValue() > 0)
			.toList();
		long max = present.stream().mapToLong(Map.Entry::getValue).max().orElse(1);
		List<Bar> bars = new ArrayList<>();
		List<String> desc = new ArrayList<>();
		for (Map.Entry<String, Long> bar : present) {
			long rows = bar.getValue();
			bars.add(new Bar(VisibleText.of(bar.getKey()), rows, number(rows), percent(rows, all),
					Math.max(2, Math.round((double) rows * 450 / max)), colour(bar.getKey()), 4 + bars.size() * 34));
			desc.add(VisibleText.of(bar.getKey()) + ": " + number(rows));
		}
		page.put("bars", bars);
		page.put("chartHeight", bars.size() * 34 + 8);
		page.put("chartDesc", String.join("; ", desc) + " (" + number(all) + " rows in all)");
	}

	/** Per outcome and reason: outcome, colour, reason, rows, share, meaning. */
	private static List<List<String>> outcomes(RunSummary s) {
		long all = Figures.reportRows(s);
		return Figures.outcomes(s)
			.stream()
			.map(o -> cells(o.outcome(), colour(o.outcome()), o.reason() == null ? "—" : o.reason(), number(o.rows()),
					percent(o.rows(), all), Meanings.of(o.outcome(), o.reason())))
			.toList();
	}

	/** Per plan: the plan, its rows per outcome present ("·" for none), its total. */
	private static void plans(Map<String, Object> page, RunSummary s) {
		TreeSet<String> outcomes = new TreeSet<>(
				Comparator.comparingInt(Figures::outcomeRank).thenComparing(Comparator.naturalOrder()));
		Map<String, Map<String, Long>> byPlan = new LinkedHashMap<>();
		List<RunSummary.PlanCount> sorted = new ArrayList<>(Figures.list(s.plans()));
		sorted.sort(Comparator.comparingInt((RunSummary.PlanCount p) -> planRank(p.plan()))
			.thenComparing(p -> String.valueOf(p.plan())));
		for (RunSummary.PlanCount p : sorted) {
			outcomes.add(String.valueOf(p.outcome()));
			byPlan.computeIfAbsent(String.valueOf(p.plan()), k -> new LinkedHashMap<>())
				.merge(String.valueOf(p.outcome()), p.rows(), Long::sum);
		}
		List<List<String>> rows = new ArrayList<>();
		byPlan.forEach((plan, counts) -> {
			List<String> row = new ArrayList<>(List.of(plan));
			for (String outcome : outcomes) {
				long n = counts.getOrDefault(outcome, 0L);
				row.add(n == 0 ? "·" : number(n));
			}
			row.add(number(counts.values().stream().mapToLong(Long::longValue).sum()));
			rows.add(cells(row.toArray(String[]::new)));
		});
		page.put("planOutcomes", outcomes.stream().map(o -> cells(o, colour(o))).toList());
		page.put("plans", rows);
	}

	/** Per step: name, partitions (null for none), started, finished, time, share in %, read, written, attempts, status. */
	private static void steps(Map<String, Object> page, RunSummary s) {
		List<RunSummary.StepTiming> steps = Figures.list(s.steps());
		long all = Math.max(1, Figures.stepsTime(s).toMillis());
		List<List<String>> rows = new ArrayList<>();
		for (RunSummary.StepTiming t : steps) {
			long millis = t.time() == null ? 0 : t.time().toMillis();
			rows.add(cells(t.step(), t.partitions() > 0 ? String.valueOf(t.partitions()) : null,
					clock(t.startedAt(), s.startedAt()), clock(t.finishedAt(), s.startedAt()),
					duration(Figures.seconds(t.time())), String.valueOf(Math.min(100, Math.round(100.0 * millis / all))),
					number(t.itemsRead()), number(t.itemsWritten()), String.valueOf(t.executions()), status(t.status())));
		}
		page.put("steps", rows);
		page.put("attempts", steps.stream().mapToInt(RunSummary.StepTiming::executions).max().orElse(1));
		page.put("running", steps.stream().anyMatch(t -> "STARTED".equals(t.status())));
		page.put("duration", duration(Figures.durationSeconds(s)));
	}

	/** A table row's cells, with invisible characters spelled out; the template escapes them. */
	private static List<String> cells(String... cells) {
		return Arrays.stream(cells).map(VisibleText::of).toList();
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
