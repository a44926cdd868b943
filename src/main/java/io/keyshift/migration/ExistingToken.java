package io.keyshift.migration;

/**
 * An ACTIVE PAT an earlier run created for this user and account: its id, hint and permissions
 * (normalised and formatted as {@link Permissions#format}), the account it belongs to, and that
 * account as this export has it (null when the export no longer lists it).
 */
public record ExistingToken(String tokenId, String hint, String permissions, long accountId, Account account) {

	/** A token whose pair is in the export: the pair carries the account. */
	public ExistingToken(String tokenId, String hint, String permissions) {
		this(tokenId, hint, permissions, 0L, null);
	}
}
