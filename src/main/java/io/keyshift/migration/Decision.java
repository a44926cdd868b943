package io.keyshift.migration;

import java.util.List;

/**
 * One report row: the outcome for a user (account null) or for one of the user's accounts.
 * {@code permissions} are the inherited grants for CREATED, WOULD_CREATE, UPDATED and WOULD_UPDATE
 * rows, empty otherwise; {@code existingToken} is the pair's ACTIVE PAT from an earlier run, when it
 * has one (ALREADY_MIGRATED, UPDATED, REVOKED and their dry-run forms, and QUARANTINED pairs).
 */
public record Decision(Long accountId, Account account, Outcome outcome, Reason reason, List<Grant> permissions,
		ExistingToken existingToken) {

	public Decision {
		permissions = List.copyOf(permissions);
	}

	static Decision forUser(Outcome outcome, Reason reason) {
		return new Decision(null, null, outcome, reason, List.of(), null);
	}

	static Decision forAccount(Membership pair, Outcome outcome, Reason reason) {
		return new Decision(pair.accountId(), pair.account(), outcome, reason, List.of(), pair.existingToken());
	}

	/** A pair's ACTIVE PAT, decided without a pair (the user has no membership rows in its account). */
	static Decision forToken(ExistingToken token, Outcome outcome, Reason reason) {
		return new Decision(token.accountId(), token.account(), outcome, reason, List.of(), token);
	}

	public boolean mintsToken() {
		return outcome == Outcome.CREATED;
	}

	/** Whether this row replaces (or in a dry run would replace) a PAT's permissions, or revokes it. */
	public boolean changesToken() {
		return outcome == Outcome.UPDATED || outcome == Outcome.WOULD_UPDATE || outcome == Outcome.REVOKED
				|| outcome == Outcome.WOULD_REVOKE;
	}

	/** Whether this row revokes (or in a dry run would revoke) a PAT. */
	public boolean revokesToken() {
		return outcome == Outcome.REVOKED || outcome == Outcome.WOULD_REVOKE;
	}

	/** The PAT's permissions before this run changed them: set for UPDATED and REVOKED rows (and WOULD_*). */
	public String previousPermissions() {
		return changesToken() ? existingToken.permissions() : null;
	}
}
