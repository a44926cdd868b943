package io.keyshift.migration;

/** A user's license in an account; only {@code developer} licenses may hold PATs. */
public enum License {
	DEVELOPER, READ_ONLY, IT, ANALYST;

	public String code() {
		return name().toLowerCase();
	}

	public static License parse(String code) {
		return Codes.parse(License.class, code, "license_type");
	}
}
