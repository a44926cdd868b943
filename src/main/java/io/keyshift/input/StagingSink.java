package io.keyshift.input;

/** Where the rows of an export go once read and checked: valid rows, rejected rows, and per-file counts. */
public interface StagingSink {

	void account(AccountRow row);

	void legacyKey(LegacyKeyRow row);

	void membership(MembershipRow row);

	/**
	 * A rejected membership row (already given to {@link #reject}) whose user could still be read: it
	 * quarantines the pair, or, with {@code accountId} null (the account could not be read), the user.
	 */
	void rejectedMembership(long line, long userId, Long accountId);

	/** A rejected membership row that names no readable user: it belongs to nobody (instead of {@link #reject}). */
	void unattributed(Reject reject);

	/** A rejected row of accounts.csv or legacy_api_keys.csv (already given to {@link #reject}) that carries a readable id. */
	void rejectedId(InputFile file, long line, long id);

	void usage(UsageRow row);

	void reject(Reject reject);

	void fileRead(InputFile file, long rowsRead, long rowsRejected);
}
