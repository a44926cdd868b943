package io.keyshift.migration;

/** Why a pair or user was skipped or quarantined; listed in the order the rules apply. */
public enum Reason {
	DUPLICATE_LEGACY_KEY, DUPLICATE_IDENTITY, KEY_OWNER_CHANGED, NO_MEMBERSHIPS,
	INVALID_GRANT, LICENSE_CONFLICT, UNKNOWN_ACCOUNT, ACCOUNT_INACTIVE, PLAN_NOT_ELIGIBLE, NO_DEVELOPER_LICENSE,
	/** A revocation: the pair (or the user) has no membership rows any more. */
	MEMBERSHIP_REMOVED
}
