package io.keyshift.migration;

import java.util.Locale;

/** An account's billing plan, as exported. Only {@code developer} is not eligible for PATs. */
public enum Plan {
	DEVELOPER, TEAM, ENTERPRISE, ENTERPRISE_PLUS;

	private final String code = name().toLowerCase(Locale.ROOT);

	public String code() {
		return code;
	}

	public static Plan parse(String code) {
		return Codes.parse(Plan.class, code, "plan");
	}
}
