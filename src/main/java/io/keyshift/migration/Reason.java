package io.keyshift.migration;

/** Why a pair or user was skipped or quarantined; listed in the order the rules apply. */
public enum Reason {
	DUPLICATE_LEGACY_KEY, DUPLICATE_IDENTITY, NO_MEMBERSHIPS,
	INVALID_GRANT, LICENSE_CONFLICT, UNKNOWN_ACCOUNT, ACCOUNT_INACTIVE, PLAN_NOT_ELIGIBLE, NO_DEVELOPER_LICENSE
}
