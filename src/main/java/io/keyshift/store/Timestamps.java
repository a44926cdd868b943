package io.keyshift.store;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Reads timestamp columns the same way on PostgreSQL and H2. */
final class Timestamps {

	private Timestamps() {
	}

	static OffsetDateTime get(ResultSet rs, int column) throws SQLException {
		OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
		return value == null ? null : value.withOffsetSameInstant(ZoneOffset.UTC);
	}

	static String text(ResultSet rs, int column) throws SQLException {
		OffsetDateTime value = get(rs, column);
		return value == null ? "" : value.toString();
	}
}
