package io.keyshift.input;

/** Where the rows of an export go once read and checked: valid rows, rejected rows, and per-file counts. */
public interface StagingSink {

	void account(AccountRow row);

	void legacyKey(LegacyKeyRow row);

	void membership(MembershipRow row);

	/** A rejected membership row whose user and account could still be read: it quarantines the pair. */
	void rejectedMembership(long line, long userId, long accountId);

	void usage(UsageRow row);

	void reject(Reject reject);

	void fileRead(InputFile file, long rowsRead, long rowsRejected);
}
