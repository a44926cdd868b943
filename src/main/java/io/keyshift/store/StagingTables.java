package io.keyshift.store;

import java.util.List;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The staging tables, and how a run's rows leave them: a TRUNCATE when no other run has rows there
 * (the usual case: the run lock lets one run work at a time), which is instant, rather than a
 * DELETE of millions of rows one by one.
 */
public final class StagingTables {

	public static final List<String> ALL = List.of("stg_account", "stg_legacy_key", "stg_membership", "stg_usage",
			"stg_user", "stg_rejected_id");

	private StagingTables() {
	}

	/** Removes the run's rows from every staging table. Call it inside a transaction. */
	public static void drop(JdbcTemplate jdbc, long runId) {
		for (String table : ALL) {
			Boolean othersThere = jdbc.queryForObject(
					"select exists (select 1 from " + table + " where run_id <> ?)", Boolean.class, runId);
			if (Boolean.TRUE.equals(othersThere)) {
				jdbc.update("delete from " + table + " where run_id = ?", runId);
			}
			else {
				jdbc.execute("truncate table " + table);
			}
		}
	}
}
