package io.keyshift.migration;

import java.util.List;

/**
 * Everything the rules decide for one user: the report rows in order, the legacy key's status after
 * the run, and the notification to queue (null for none).
 */
public record Verdict(UserCase user, List<Decision> decisions, LegacyKeyStatus keyStatus,
		NotificationKind notification) {

	public Verdict {
		decisions = List.copyOf(decisions);
	}

	public boolean quarantined() {
		return decisions.stream().anyMatch(d -> d.outcome() == Outcome.QUARANTINED);
	}
}
