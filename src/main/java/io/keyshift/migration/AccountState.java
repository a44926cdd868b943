package io.keyshift.migration;

/** An account's lifecycle state; only {@code active} accounts receive tokens. */
public enum AccountState {
	ACTIVE, LOCKED, DELETED;

	public String code() {
		return name().toLowerCase();
	}

	public static AccountState parse(String code) {
		return Codes.parse(AccountState.class, code, "state");
	}
}
