package io.keyshift.migration;

/** What happened to one (user, account) pair, or to a user as a whole. */
public enum Outcome {
	/** A PAT was minted in this run. */
	CREATED,
	/** Dry run: a real run would mint a PAT. */
	WOULD_CREATE,
	/** The pair's ACTIVE PAT from an earlier run already carries the inherited permissions. */
	ALREADY_MIGRATED,
	/** The pair's ACTIVE PAT had other permissions: they were replaced by the inherited ones. */
	UPDATED,
	/** Dry run: a real run would replace the PAT's permissions. */
	WOULD_UPDATE,
	/** The pair's ACTIVE PAT was revoked: the pair is skipped now, or has no membership any more. */
	REVOKED,
	/** Dry run: a real run would revoke the PAT. */
	WOULD_REVOKE,
	/** Policy: no token, and none is due. */
	SKIPPED,
	/** A data problem the operator can fix and rerun. */
	QUARANTINED
}
