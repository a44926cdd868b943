package io.keyshift.migration;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The migration rules of SPEC §3, §5 and §6, in their precedence. Plain Java: it mints nothing and
 * writes nothing; it says what should happen to one user.
 */
public final class Decider {

	private final boolean dryRun;

	private final boolean revokeLegacyKeys;

	/**
	 * @param dryRun decide {@code WOULD_CREATE} instead of {@code CREATED}
	 * @param revokeLegacyKeys revoke a migrated user's legacy key in the same run
	 */
	public Decider(boolean dryRun, boolean revokeLegacyKeys) {
		this.dryRun = dryRun;
		this.revokeLegacyKeys = revokeLegacyKeys;
	}

	public Verdict decide(UserCase user) {
		List<Decision> decisions = decisionsFor(user);
		return new Verdict(user, decisions, keyStatusAfter(user, decisions), notificationFor(user, decisions));
	}

	private List<Decision> decisionsFor(UserCase user) {
		if (user.validKeyCount() > 1) {
			return List.of(Decision.forUser(Outcome.QUARANTINED, Reason.DUPLICATE_LEGACY_KEY));
		}
		if (user.sharedEmail()) {
			return List.of(Decision.forUser(Outcome.QUARANTINED, Reason.DUPLICATE_IDENTITY));
		}
		if (user.grantRejectedWithoutAccount()) {
			return List.of(Decision.forUser(Outcome.QUARANTINED, Reason.INVALID_GRANT));
		}
		if (user.memberships().isEmpty()) {
			return List.of(Decision.forUser(Outcome.SKIPPED, Reason.NO_MEMBERSHIPS));
		}
		List<Decision> decisions = new ArrayList<>(user.memberships().size());
		for (Membership pair : user.memberships()) {
			decisions.add(decide(pair));
		}
		return decisions;
	}

	private Decision decide(Membership pair) {
		Account account = pair.account();
		if (pair.anyRowRejected()) {
			return Decision.forAccount(pair, Outcome.QUARANTINED, Reason.INVALID_GRANT);
		}
		if (pair.licenses().size() > 1) {
			return Decision.forAccount(pair, Outcome.QUARANTINED, Reason.LICENSE_CONFLICT);
		}
		if (account == null) {
			return Decision.forAccount(pair, Outcome.QUARANTINED, Reason.UNKNOWN_ACCOUNT);
		}
		if (account.state() != AccountState.ACTIVE) {
			return Decision.forAccount(pair, Outcome.SKIPPED, Reason.ACCOUNT_INACTIVE);
		}
		if (account.plan() == Plan.DEVELOPER) {
			return Decision.forAccount(pair, Outcome.SKIPPED, Reason.PLAN_NOT_ELIGIBLE);
		}
		if (!pair.licenses().contains(License.DEVELOPER)) {
			return Decision.forAccount(pair, Outcome.SKIPPED, Reason.NO_DEVELOPER_LICENSE);
		}
		if (pair.existingToken() != null) {
			return new Decision(pair.accountId(), account, Outcome.ALREADY_MIGRATED, null, List.of(),
					pair.existingToken());
		}
		return new Decision(pair.accountId(), account, dryRun ? Outcome.WOULD_CREATE : Outcome.CREATED, null,
				Permissions.inherit(pair.grants()), null);
	}

	/**
	 * A user with any quarantined row keeps an ACTIVE key, so bad data never locks anyone out, and a
	 * key never moves backwards. A dry run computes the same status, for its report; it writes none.
	 */
	private LegacyKeyStatus keyStatusAfter(UserCase user, List<Decision> decisions) {
		LegacyKeyStatus before = user.keyStatus() == null ? LegacyKeyStatus.ACTIVE : user.keyStatus();
		boolean quarantined = decisions.stream().anyMatch(d -> d.outcome() == Outcome.QUARANTINED);
		if (quarantined) {
			return before;
		}
		if (revokeLegacyKeys || before == LegacyKeyStatus.REVOKED) {
			return LegacyKeyStatus.REVOKED;
		}
		return LegacyKeyStatus.MIGRATED;
	}

	/**
	 * TOKENS_ISSUED when a token was (or would be) created. NO_TOKEN_ISSUED when every row is SKIPPED,
	 * unless an earlier run already finished this user's migration: that run told them.
	 */
	private NotificationKind notificationFor(UserCase user, List<Decision> decisions) {
		Set<Outcome> outcomes = EnumSet.noneOf(Outcome.class);
		decisions.forEach(d -> outcomes.add(d.outcome()));
		if (outcomes.contains(Outcome.CREATED) || outcomes.contains(Outcome.WOULD_CREATE)) {
			return NotificationKind.TOKENS_ISSUED;
		}
		boolean alreadyTold = user.keyStatus() != null && user.keyStatus() != LegacyKeyStatus.ACTIVE;
		if (outcomes.equals(EnumSet.of(Outcome.SKIPPED)) && !alreadyTold) {
			return NotificationKind.NO_TOKEN_ISSUED;
		}
		return null;
	}
}
