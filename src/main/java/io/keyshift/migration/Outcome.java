package io.keyshift.migration;

/** What happened to one (user, account) pair, or to a user as a whole. */
public enum Outcome {
	/** A PAT was minted in this run. */
	CREATED,
	/** Dry run: a real run would mint a PAT. */
	WOULD_CREATE,
	/** A PAT from an earlier run already exists for this legacy key and account. */
	ALREADY_MIGRATED,
	/** Policy: no token, and none is due. */
	SKIPPED,
	/** A data problem the operator can fix and rerun. */
	QUARANTINED
}
