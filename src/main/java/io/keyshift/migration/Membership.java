package io.keyshift.migration;

import java.util.List;
import java.util.Set;

/**
 * What the export says about one (user, account) pair: the account (null when it is not in
 * {@code accounts.csv} or its row was rejected), whether any of the pair's membership rows was
 * rejected, the licenses its valid rows name, its grants, and the PAT an earlier run made for it.
 */
public record Membership(long accountId, Account account, boolean anyRowRejected, Set<License> licenses,
		List<Grant> grants, ExistingToken existingToken) {

	public Membership {
		licenses = Set.copyOf(licenses);
		grants = List.copyOf(grants);
	}
}
