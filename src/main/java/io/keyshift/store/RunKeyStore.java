package io.keyshift.store;

import java.time.OffsetDateTime;
import java.util.List;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Which delivery key each run seals with ({@code run_delivery_key}): the key's identifier, never the
 * key. A run records it before its first notification is sealed; every later start or resume of
 * the run must bring the same key.
 */
public class RunKeyStore {

	private final JdbcTemplate jdbc;

	public RunKeyStore(JdbcTemplate jdbc) {
		this.jdbc = jdbc;
	}

	/** The identifier of the key run {@code runId} seals with, or null when it has not recorded one. */
	public String keyIdOf(long runId) {
		List<String> ids = jdbc.queryForList("select key_id from run_delivery_key where run_id = ?", String.class,
				runId);
		return ids.isEmpty() ? null : ids.get(0);
	}

	/**
	 * Records {@code keyId} as the key of run {@code runId} unless the run has one already, and
	 * returns the run's key identifier: {@code keyId}, or the one recorded before (which the caller
	 * compares). Several partitions may ask at once; the first insert wins.
	 */
	public String record(long runId, String keyId, OffsetDateTime now) {
		String recorded = keyIdOf(runId);
		if (recorded != null) {
			return recorded;
		}
		try {
			jdbc.update("insert into run_delivery_key (run_id, key_id, recorded_at) values (?, ?, ?)", runId, keyId,
					now);
			return keyId;
		}
		catch (DuplicateKeyException ex) {
			return keyIdOf(runId);
		}
	}

	/**
	 * A sealed notification of run {@code runId} from before key identifiers were recorded (no
	 * {@code delivery_key_id}), still holding its payload, or null: the only way to tell which key
	 * such a run sealed with is to try one.
	 */
	public NotificationStore.Pending sealedWithoutKeyId(long runId) {
		List<NotificationStore.Pending> rows = jdbc.query("""
				select id, user_id, email, kind, payload, attempts, last_error, created_at, run_id
				from token_notification
				where run_id = ? and delivery_key_id is null and payload is not null
				order by id
				fetch first 1 rows only""", NotificationStore::pending, runId);
		return rows.isEmpty() ? null : rows.get(0);
	}
}
