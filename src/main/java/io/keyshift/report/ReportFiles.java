package io.keyshift.report;

/**
 * The names of the files in a report directory and the header rows of its two CSV files (SPEC §7).
 * The header arrays are shared constants: read them, never modify them.
 */
public final class ReportFiles {

	/** One row per decision. */
	public static final String REPORT_CSV = "report.csv";

	/** One row per rejected input row. */
	public static final String REJECTS_CSV = "rejects.csv";

	/** The run's figures, for machines. */
	public static final String SUMMARY_JSON = "summary.json";

	/** The run's figures, for people: one self-contained page. */
	public static final String SUMMARY_HTML = "summary.html";

	/** The columns of {@value #REPORT_CSV}, in order. */
	public static final String[] REPORT_HEADER = { "user_id", "email", "account_id", "account_name", "outcome",
			"reason", "token_id", "token_hint", "permissions", "notes", "previous_permissions" };

	/** The columns of {@value #REJECTS_CSV}, in order. */
	public static final String[] REJECTS_HEADER = { "file", "line", "reason", "record" };

	private ReportFiles() {
	}
}
