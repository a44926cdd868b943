package io.keyshift.migration;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The migration rules of SPEC §3 (with §3.2 for pairs that already have a PAT), §5 and §6, in their
 * precedence. Plain Java: it mints nothing and
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
		Reason userLevel = userLevelReason(user);
		if (userLevel != null) {
			Outcome outcome = userLevel == Reason.NO_MEMBERSHIPS ? Outcome.SKIPPED : Outcome.QUARANTINED;
			List<Decision> decisions = new ArrayList<>(1 + user.tokens().size());
			decisions.add(Decision.forUser(outcome, userLevel));
			// bad data never changes a token; a user with no membership at all has lost every pair
			for (ExistingToken token : byAccount(user.tokens())) {
				decisions.add(outcome == Outcome.QUARANTINED ? Decision.forToken(token, Outcome.QUARANTINED, userLevel)
						: revoke(token, Reason.MEMBERSHIP_REMOVED));
			}
			return decisions;
		}
		List<Decision> decisions = new ArrayList<>(user.memberships().size());
		Set<Long> accounts = new HashSet<>();
		for (Membership pair : user.memberships()) {
			decisions.add(decide(pair));
			accounts.add(pair.accountId());
		}
		boolean removed = false;
		for (ExistingToken token : user.tokens()) {
			if (!accounts.contains(token.accountId())) {
				decisions.add(revoke(token, Reason.MEMBERSHIP_REMOVED));
				removed = true;
			}
		}
		if (removed) {
			// a pair gone from the export takes its place among the user's accounts
			decisions.sort(Comparator.comparing(Decision::accountId));
		}
		return decisions;
	}

	private static List<ExistingToken> byAccount(List<ExistingToken> tokens) {
		return tokens.stream().sorted(Comparator.comparingLong(ExistingToken::accountId)).toList();
	}

	/** The user-level rules of SPEC §3 (and §3.2's reassigned key), in their precedence; null for none. */
	private static Reason userLevelReason(UserCase user) {
		if (user.validKeyCount() > 1) {
			return Reason.DUPLICATE_LEGACY_KEY;
		}
		if (user.sharedEmail()) {
			return Reason.DUPLICATE_IDENTITY;
		}
		if (user.keyOwnerChanged()) {
			return Reason.KEY_OWNER_CHANGED;
		}
		if (user.grantRejectedWithoutAccount()) {
			return Reason.INVALID_GRANT;
		}
		if (user.memberships().isEmpty()) {
			return Reason.NO_MEMBERSHIPS;
		}
		return null;
	}

	/** One pair by the rules of SPEC §3, and what that means for the pair's ACTIVE PAT (§3.2). */
	private Decision decide(Membership pair) {
		Account account = pair.account();
		ExistingToken token = pair.existingToken();
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
			return skip(pair, Reason.ACCOUNT_INACTIVE);
		}
		if (account.plan() == Plan.DEVELOPER) {
			return skip(pair, Reason.PLAN_NOT_ELIGIBLE);
		}
		if (!pair.licenses().contains(License.DEVELOPER)) {
			return skip(pair, Reason.NO_DEVELOPER_LICENSE);
		}
		List<Grant> inherited = Permissions.inherit(pair.grants());
		if (token == null) {
			return new Decision(pair.accountId(), account, dryRun ? Outcome.WOULD_CREATE : Outcome.CREATED, null,
					inherited, null);
		}
		if (Permissions.format(inherited).equals(token.permissions())) {
			return new Decision(pair.accountId(), account, Outcome.ALREADY_MIGRATED, null, List.of(), token);
		}
		return new Decision(pair.accountId(), account, dryRun ? Outcome.WOULD_UPDATE : Outcome.UPDATED, null,
				inherited, token);
	}

	/** A skipped pair: its ACTIVE PAT, if it has one, is revoked for the same reason. */
	private Decision skip(Membership pair, Reason reason) {
		ExistingToken token = pair.existingToken();
		if (token == null) {
			return Decision.forAccount(pair, Outcome.SKIPPED, reason);
		}
		return new Decision(pair.accountId(), pair.account(), dryRun ? Outcome.WOULD_REVOKE : Outcome.REVOKED, reason,
				List.of(), token);
	}

	private Decision revoke(ExistingToken token, Reason reason) {
		return Decision.forToken(token, dryRun ? Outcome.WOULD_REVOKE : Outcome.REVOKED, reason);
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
	 * TOKENS_ISSUED when a token was (or would be) created (it lists any changes too); else
	 * TOKENS_CHANGED when a PAT's permissions were (or would be) replaced or it was revoked, even beside
	 * a quarantined pair: a user is told whenever a credential of theirs changes. NO_TOKEN_ISSUED when every row is SKIPPED,
	 * unless an earlier run already finished this user's migration: that run told them.
	 */
	private NotificationKind notificationFor(UserCase user, List<Decision> decisions) {
		Set<Outcome> outcomes = EnumSet.noneOf(Outcome.class);
		decisions.forEach(d -> outcomes.add(d.outcome()));
		if (outcomes.contains(Outcome.CREATED) || outcomes.contains(Outcome.WOULD_CREATE)) {
			return NotificationKind.TOKENS_ISSUED;
		}
		if (decisions.stream().anyMatch(Decision::changesToken)) {
			return NotificationKind.TOKENS_CHANGED;
		}
		boolean alreadyTold = user.keyStatus() != null && user.keyStatus() != LegacyKeyStatus.ACTIVE;
		if (outcomes.equals(EnumSet.of(Outcome.SKIPPED)) && !alreadyTold) {
			return NotificationKind.NO_TOKEN_ISSUED;
		}
		return null;
	}
}
