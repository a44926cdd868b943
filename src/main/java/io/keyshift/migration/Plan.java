package io.keyshift.migration;

/** An account's billing plan, as exported. Only {@code developer} is not eligible for PATs. */
public enum Plan {
	DEVELOPER, TEAM, ENTERPRISE, ENTERPRISE_PLUS;

	public String code() {
		return name().toLowerCase();
	}

	public static Plan parse(String code) {
		return Codes.parse(Plan.class, code, "plan");
	}
}
