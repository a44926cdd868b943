package io.keyshift.store;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The figures of the revocation safety valve (SPEC §3.2), kept in {@code run_record} beside the run's
 * scope so that the report shows them: the ACTIVE PATs of the users in this export, those of users it
 * does not name (left as they are), the revocations the run makes, and the limit.
 */
public class ValveStore {

	private final JdbcTemplate jdbc;

	private final long runId;

	public ValveStore(JdbcTemplate jdbc, long runId) {
		this.jdbc = jdbc;
		this.runId = runId;
	}

	/** ACTIVE PATs whose owner has a valid legacy key in this export, and those whose owner has none. */
	public long[] activeTokensInAndOutOfScope() {
		return jdbc.query("""
				select coalesce(sum(case when u.user_id is not null then 1 else 0 end), 0),
				       coalesce(sum(case when u.user_id is null then 1 else 0 end), 0)
				from personal_access_token t
				left join stg_user u on u.run_id = ? and u.user_id = t.user_id
				where t.status = 'ACTIVE'""", rs -> {
			rs.next();
			return new long[] { rs.getLong(1), rs.getLong(2) };
		}, runId);
	}

	public void record(long activeInScope, long outOfScope, long planned, long limit) {
		jdbc.update("""
				update run_record set active_tokens_in_scope = ?, tokens_out_of_scope = ?, revocations_planned = ?,
				                      revocation_limit = ?
				where run_id = ?""", activeInScope, outOfScope, planned, limit, runId);
	}
}
