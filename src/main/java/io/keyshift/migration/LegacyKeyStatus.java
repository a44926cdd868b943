package io.keyshift.migration;

/** The life of a legacy key: it stays usable while MIGRATED (grace period) and stops when REVOKED. */
public enum LegacyKeyStatus {
	ACTIVE, MIGRATED, REVOKED
}
