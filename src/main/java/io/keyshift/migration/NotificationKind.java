package io.keyshift.migration;

/** The one notification a user gets from a run, if any. */
public enum NotificationKind {
	/** "Your new tokens": at least one PAT was created. */
	TOKENS_ISSUED,
	/** "Your legacy key is deprecated and no token could be issued": every row was skipped. */
	NO_TOKEN_ISSUED,
	/** "Your tokens changed": a PAT's permissions were replaced, or it was revoked, and none was created. */
	TOKENS_CHANGED
}
