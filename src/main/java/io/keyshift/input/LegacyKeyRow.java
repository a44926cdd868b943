package io.keyshift.input;

import java.time.OffsetDateTime;

import io.keyshift.token.Digests;

/**
 * A valid row of {@code legacy_api_keys.csv}. The secret itself is dropped here, at the edge: only
 * its SHA-256 fingerprint and its last four characters travel on.
 */
public record LegacyKeyRow(long line, long keyId, long userId, String email, String fingerprint, String hint,
		OffsetDateTime createdAt, OffsetDateTime lastUsedAt) {

	public static LegacyKeyRow parse(Header header, CsvRow row) throws RowProblem {
		Fields f = new Fields(header, row);
		long keyId = f.id("key_id");
		long userId = f.id("user_id");
		String email = f.email("email");
		String secret = f.secret("api_key");
		return new LegacyKeyRow(row.line(), keyId, userId, email, Digests.sha256Hex(secret), Digests.hint(secret),
				f.timestamp("created_at"), f.optionalTimestamp("last_used_at"));
	}
}
