package io.keyshift.report;

import io.keyshift.migration.Outcome;
import io.keyshift.migration.Reason;

/**
 * What an outcome and reason mean, in a few words an operator reads beside the counts (SPEC §3).
 * The switches are exhaustive, so a new outcome or reason cannot go unexplained.
 */
final class Meanings {

	private Meanings() {
	}

	/** The meaning of a report row's outcome and reason; "" for codes this version does not know. */
	static String of(String outcome, String reason) {
		if (reason != null) {
			Reason r = parse(Reason.class, reason);
			return r == null ? "" : reason(r);
		}
		Outcome o = parse(Outcome.class, outcome);
		return o == null ? "" : outcome(o);
	}

	/** The meaning of an outcome as a whole. */
	static String outcome(Outcome outcome) {
		return switch (outcome) {
			case CREATED -> "a token was minted in this run";
			case WOULD_CREATE -> "a real run would mint a token";
			case ALREADY_MIGRATED -> "the pair's token from an earlier run already carries the user's permissions";
			case UPDATED -> "the token's permissions were replaced by the user's current ones";
			case WOULD_UPDATE -> "a real run would replace the token's permissions by the user's current ones";
			case REVOKED -> "the token was revoked: its owner lost access";
			case WOULD_REVOKE -> "a real run would revoke the token: its owner lost access";
			case SKIPPED -> "policy: no token, and none is due";
			case QUARANTINED -> "a data problem: fix the export and rerun";
		};
	}

	private static String reason(Reason reason) {
		return switch (reason) {
			case DUPLICATE_LEGACY_KEY -> "the user holds two or more valid legacy keys";
			case DUPLICATE_IDENTITY -> "two or more users share this email address";
			case KEY_OWNER_CHANGED -> "an earlier run recorded this legacy key for another user";
			case NO_MEMBERSHIPS -> "the user belongs to no account";
			case INVALID_GRANT -> "a membership row of this user and account was rejected";
			case LICENSE_CONFLICT -> "the user's rows in this account name more than one license";
			case UNKNOWN_ACCOUNT -> "the account is missing from accounts.csv (or its row was rejected)";
			case ACCOUNT_INACTIVE -> "the account is locked or deleted";
			case PLAN_NOT_ELIGIBLE -> "the account is on the developer plan";
			case NO_DEVELOPER_LICENSE -> "the user has no developer license in this account";
			case MEMBERSHIP_REMOVED -> "the user no longer belongs to this account";
		};
	}

	private static <E extends Enum<E>> E parse(Class<E> type, String name) {
		if (name == null) {
			return null;
		}
		try {
			return Enum.valueOf(type, name);
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}
}
