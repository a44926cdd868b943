package io.keyshift.migration;

import java.util.Locale;

/** An account's lifecycle state; only {@code active} accounts receive tokens. */
public enum AccountState {
	ACTIVE, LOCKED, DELETED;

	private final String code = name().toLowerCase(Locale.ROOT);

	public String code() {
		return code;
	}

	public static AccountState parse(String code) {
		return Codes.parse(AccountState.class, code, "state");
	}
}
