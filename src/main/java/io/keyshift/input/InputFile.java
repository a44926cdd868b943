package io.keyshift.input;

import java.util.List;

/** The files of an export (SPEC §2): their names, whether they must be there, and their columns. */
public enum InputFile {

	ACCOUNTS("accounts.csv", true, List.of("account_id", "account_name", "plan", "state")),
	LEGACY_KEYS("legacy_api_keys.csv", true,
			List.of("key_id", "user_id", "email", "api_key", "created_at", "last_used_at")),
	MEMBERSHIPS("account_memberships.csv", true,
			List.of("user_id", "account_id", "license_type", "permission_set", "project_id")),
	USAGE("api_key_usage.csv", false, List.of("key_id", "endpoint", "client", "last_called_at", "calls"));

	private final String fileName;

	private final boolean required;

	private final List<String> columns;

	InputFile(String fileName, boolean required, List<String> columns) {
		this.fileName = fileName;
		this.required = required;
		this.columns = columns;
	}

	public String fileName() {
		return fileName;
	}

	public boolean required() {
		return required;
	}

	/** The columns in the order of SPEC §2; a file may hold them in any order. */
	public List<String> columns() {
		return columns;
	}

	/** The column that holds a secret, masked wherever a row is shown; null when none. */
	public String secretColumn() {
		return this == LEGACY_KEYS ? "api_key" : null;
	}

	public static InputFile byName(String fileName) {
		for (InputFile file : values()) {
			if (file.fileName.equals(fileName)) {
				return file;
			}
		}
		throw new IllegalArgumentException("not an input file: " + fileName);
	}
}
