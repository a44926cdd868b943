package io.keyshift.migration;

import java.util.ArrayList;
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
 * @param tokens the user's ACTIVE PATs from earlier runs, by account id (also those of accounts the
 *        user has no membership rows in any more)
 * @param keyOwnerChanged whether an earlier run recorded this user's legacy key for another user
 */
public record UserCase(long userId, long legacyKeyId, String email, int validKeyCount, boolean sharedEmail,
		LegacyKeyStatus keyStatus, List<Membership> memberships, List<KeyUsage> usage,
		boolean grantRejectedWithoutAccount, List<ExistingToken> tokens, boolean keyOwnerChanged) {

	public UserCase {
		memberships = List.copyOf(memberships);
		usage = List.copyOf(usage);
		tokens = List.copyOf(tokens);
	}

	/** A user whose only PATs are those of the pairs in {@code memberships}, and whose key is theirs. */
	public UserCase(long userId, long legacyKeyId, String email, int validKeyCount, boolean sharedEmail,
			LegacyKeyStatus keyStatus, List<Membership> memberships, List<KeyUsage> usage,
			boolean grantRejectedWithoutAccount) {
		this(userId, legacyKeyId, email, validKeyCount, sharedEmail, keyStatus, memberships, usage,
				grantRejectedWithoutAccount, tokensOf(memberships), false);
	}

	/** As above, for a user none of whose rejected membership rows lacks a readable account. */
	public UserCase(long userId, long legacyKeyId, String email, int validKeyCount, boolean sharedEmail,
			LegacyKeyStatus keyStatus, List<Membership> memberships, List<KeyUsage> usage) {
		this(userId, legacyKeyId, email, validKeyCount, sharedEmail, keyStatus, memberships, usage, false);
	}

	/** A user with these ACTIVE PATs, none of whose rejected membership rows lacks a readable account. */
	public UserCase(long userId, long legacyKeyId, String email, int validKeyCount, boolean sharedEmail,
			LegacyKeyStatus keyStatus, List<Membership> memberships, List<KeyUsage> usage, List<ExistingToken> tokens,
			boolean keyOwnerChanged) {
		this(userId, legacyKeyId, email, validKeyCount, sharedEmail, keyStatus, memberships, usage, false, tokens,
				keyOwnerChanged);
	}

	private static List<ExistingToken> tokensOf(List<Membership> memberships) {
		List<ExistingToken> tokens = new ArrayList<>();
		for (Membership pair : memberships) {
			ExistingToken t = pair.existingToken();
			if (t != null) {
				tokens.add(new ExistingToken(t.tokenId(), t.hint(), t.permissions(), pair.accountId(), pair.account()));
			}
		}
		return tokens;
	}
}
