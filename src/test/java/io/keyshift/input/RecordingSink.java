package io.keyshift.input;

import java.util.ArrayList;
import java.util.List;

/** A sink that keeps everything it is given, for tests. */
class RecordingSink implements StagingSink {

	final List<AccountRow> accounts = new ArrayList<>();

	final List<LegacyKeyRow> keys = new ArrayList<>();

	final List<MembershipRow> memberships = new ArrayList<>();

	final List<UsageRow> usage = new ArrayList<>();

	final List<Reject> rejects = new ArrayList<>();

	final List<String> files = new ArrayList<>();

	@Override
	public void account(AccountRow row) {
		accounts.add(row);
	}

	@Override
	public void legacyKey(LegacyKeyRow row) {
		keys.add(row);
	}

	@Override
	public void membership(MembershipRow row) {
		memberships.add(row);
	}

	/** line/user/account of rejected membership rows that name their user; account "-" when unreadable. */
	final List<String> rejectedGrants = new ArrayList<>();

	/** Rejected membership rows that name nobody (also in {@link #rejects}). */
	final List<Reject> unattributed = new ArrayList<>();

	/** file:line:id of rejected rows that carry a readable id. */
	final List<String> rejectedIds = new ArrayList<>();

	@Override
	public void rejectedMembership(long line, long userId, Long accountId) {
		rejectedGrants.add(line + "/" + userId + "/" + (accountId == null ? "-" : accountId));
	}

	@Override
	public void unattributed(Reject reject) {
		unattributed.add(reject);
		rejects.add(reject);
	}

	@Override
	public void rejectedId(InputFile file, long line, long id) {
		rejectedIds.add(file.fileName() + ":" + line + ":" + id);
	}

	@Override
	public void usage(UsageRow row) {
		usage.add(row);
	}

	@Override
	public void reject(Reject reject) {
		rejects.add(reject);
	}

	@Override
	public void fileRead(InputFile file, long rowsRead, long rowsRejected) {
		files.add(file.fileName() + ":" + rowsRead + ":" + rowsRejected);
	}
}
