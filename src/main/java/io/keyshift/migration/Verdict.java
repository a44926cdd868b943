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

	/**
	 * The status a key of this user that no run has recorded yet starts with (SPEC §5): ACTIVE when
	 * the user has a quarantined row (a returning user with a second key is quarantined, and their
	 * new key must not be migrated or revoked), else the user's key status after the run.
	 */
	public LegacyKeyStatus newKeyStatus() {
		return quarantined() ? LegacyKeyStatus.ACTIVE : keyStatus;
	}
}
