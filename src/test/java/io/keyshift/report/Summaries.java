package io.keyshift.report;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** {@link RunSummary} fixtures: a plain run, a dry run, and variants with hostile names. */
final class Summaries {

	static final Instant STARTED = Instant.parse("2026-11-09T12:00:00Z");

	private Summaries() {
	}

	/** A real run: 1,000 rows in 12.5 s, 10 created, 7 skipped (two reasons), 2 quarantined. */
	static RunSummary real() {
		return real("Northwind Traders", "/srv/export");
	}

	static RunSummary real(String topAccountName, String input) {
		return new RunSummary(42, false, true, input, STARTED, STARTED.plusMillis(12_500),
				List.of(new RunSummary.FileCount("accounts.csv", 100, 1, 0),
						new RunSummary.FileCount("account_memberships.csv", 700, 3, 2),
						new RunSummary.FileCount("legacy_api_keys.csv", 200, 0, 0)),
				19, 4,
				// alphabetical, as the store returns them
				List.of(new RunSummary.OutcomeCount("CREATED", null, 10),
						new RunSummary.OutcomeCount("QUARANTINED", "INVALID_GRANT", 2),
						new RunSummary.OutcomeCount("SKIPPED", "NO_DEVELOPER_LICENSE", 3),
						new RunSummary.OutcomeCount("SKIPPED", "ACCOUNT_INACTIVE", 4)),
				List.of(new RunSummary.PlanCount("enterprise", "CREATED", 6),
						new RunSummary.PlanCount("none", "QUARANTINED", 2),
						new RunSummary.PlanCount("team", "CREATED", 4), new RunSummary.PlanCount("team", "SKIPPED", 7)),
				10, 15, 15, List.of(new RunSummary.KindCount("TOKENS_ISSUED", 8)),
				List.of(new RunSummary.AccountCount(1001, topAccountName, "enterprise", 6),
						new RunSummary.AccountCount(1002, "Contoso Data, Ltd.", "team", 4)),
				List.of(new RunSummary.RejectCount("account_memberships.csv", "unknown permission set", 3),
						new RunSummary.RejectCount("accounts.csv", "duplicate account_id", 1)),
				new RunSummary.UserProgress(19, 19, Duration.ofMillis(9_500)),
				List.of(step("load", 0, 2_000, 0, 0, "COMPLETED"), step("register-keys", 2_000, 2_500, 0, 0, "COMPLETED"),
						step("migrate", 2_500, 12_000, 19, 19, "COMPLETED"), step("report", 12_000, 12_500, 0, 0, "STARTED")));
	}

	/** A step run once, not partitioned, from and to the given milliseconds after {@link #STARTED}. */
	static RunSummary.StepTiming step(String name, long from, long to, long read, long written, String status) {
		return new RunSummary.StepTiming(name, 1, 0, STARTED.plusMillis(from), STARTED.plusMillis(to),
				Duration.ofMillis(to - from), read, written, 0, status);
	}

	/** A dry run: 9 would-be tokens, nothing minted, migrated or revoked. */
	static RunSummary dry() {
		return new RunSummary(7, true, false, "/srv/export", STARTED, STARTED.plusSeconds(3),
				List.of(new RunSummary.FileCount("legacy_api_keys.csv", 30, 0, 0)), 9, 0,
				List.of(new RunSummary.OutcomeCount("WOULD_CREATE", null, 9)),
				List.of(new RunSummary.PlanCount("team", "WOULD_CREATE", 9)), 0, 0, 0,
				List.of(new RunSummary.KindCount("TOKENS_ISSUED", 9)),
				List.of(new RunSummary.AccountCount(1001, "Northwind Traders", "team", 9)), List.of(),
				new RunSummary.UserProgress(9, 9, Duration.ofMillis(1_500)),
				List.of(step("migrate", 1_000, 2_500, 9, 9, "COMPLETED")));
	}

	/** A run that read nothing and decided nothing, over in no measurable time. */
	static RunSummary empty() {
		return new RunSummary(1, false, false, "/srv/empty", STARTED, STARTED, List.of(), 0, 0, List.of(), List.of(),
				0, 0, 0, List.of(), List.of(), List.of(), new RunSummary.UserProgress(0, 0, Duration.ZERO), List.of());
	}
}
