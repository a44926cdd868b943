package io.keyshift.migration;

import java.util.Locale;

/** A user's license in an account; only {@code developer} licenses may hold PATs. */
public enum License {
	DEVELOPER, READ_ONLY, IT, ANALYST;

	private final String code = name().toLowerCase(Locale.ROOT);

	public String code() {
		return code;
	}

	public static License parse(String code) {
		return Codes.parse(License.class, code, "license_type");
	}
}
