package io.keyshift.migration;

import java.util.List;

/**
 * One report row: the outcome for a user (account null) or for one of the user's accounts.
 * {@code permissions} are the inherited grants for CREATED and WOULD_CREATE rows, empty otherwise;
 * {@code existingToken} is set for ALREADY_MIGRATED rows.
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
		return new Decision(pair.accountId(), pair.account(), outcome, reason, List.of(), null);
	}

	public boolean mintsToken() {
		return outcome == Outcome.CREATED;
	}
}
