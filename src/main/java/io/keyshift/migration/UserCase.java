package io.keyshift.migration;

import java.util.List;

/**
 * The unit of work: a user with a legacy key, and everything the rules look at.
 *
 * @param userId the user
 * @param legacyKeyId the user's key (the lowest key id when the user has several)
 * @param email the key's email as exported
 * @param validKeyCount how many valid legacy keys name this user
 * @param sharedEmail whether another user id has the same email, ignoring case
 * @param keyStatus the key's status before this run, or null when no run has seen it yet
 * @param memberships one per account the user has membership rows in (valid or rejected), by account id
 * @param usage where the user's legacy key was used, if the export says
 * @param grantRejectedWithoutAccount whether a rejected membership row names this user but no
 *        readable account (SPEC §2): the user is quarantined as a whole
 */
public record UserCase(long userId, long legacyKeyId, String email, int validKeyCount, boolean sharedEmail,
		LegacyKeyStatus keyStatus, List<Membership> memberships, List<KeyUsage> usage,
		boolean grantRejectedWithoutAccount) {

	public UserCase {
		memberships = List.copyOf(memberships);
		usage = List.copyOf(usage);
	}

	/** A user none of whose rejected membership rows lacks a readable account. */
	public UserCase(long userId, long legacyKeyId, String email, int validKeyCount, boolean sharedEmail,
			LegacyKeyStatus keyStatus, List<Membership> memberships, List<KeyUsage> usage) {
		this(userId, legacyKeyId, email, validKeyCount, sharedEmail, keyStatus, memberships, usage, false);
	}
}
