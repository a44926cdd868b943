package io.keyshift.store;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.keyshift.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What goes through COPY comes back exactly: quotes, separators, line breaks and non-ASCII text
 * (with a quote after it), NULL against the empty string, extreme numbers, UUIDs, booleans and
 * timestamps with offsets and nanoseconds. PostgreSQL only: H2 takes JDBC batches.
 */
class CopyInsertIT {

	@TempDir
	Path tmp;

	private TestDatabase db;

	private JdbcTemplate jdbc;

	@BeforeEach
	void database() {
		db = TestDatabase.create(TestDatabase.Kind.POSTGRES, tmp);
		jdbc = db.jdbc();
		jdbc.execute("create table t (n integer, text varchar(200), big bigint, id uuid, flag boolean,"
				+ " at timestamp with time zone)");
	}

	@AfterEach
	void drop() {
		db.close();
	}

	@Test
	void rowsComeBackAsTheyWereWritten() {
		UUID id = UUID.randomUUID();
		OffsetDateTime at = OffsetDateTime.of(2026, 11, 8, 8, 1, 0, 0, ZoneOffset.UTC);
		OffsetDateTime precise = OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000, ZoneOffset.ofHours(2));
		List<Object[]> rows = List.of(
				new Object[] { 1, "plain", 42L, id, true, at },
				new Object[] { 2, "Fabrikam \"Blue\", Ltd.\nline two\r\n", -7L, null, false, precise },
				new Object[] { 3, "\"Quoted\" first, then Zoë \"Ünïcode\" 😀 \"end\"", Long.MAX_VALUE, id, null, at },
				new Object[] { 4, "", Long.MIN_VALUE, null, true, null },
				new Object[] { 5, null, 0L, null, null, null });
		CopyInsert copy = new CopyInsert(jdbc.getDataSource(), "t",
				new String[] { "n", "text", "big", "id", "flag", "at" }, 3);
		boolean full = false;
		for (Object[] row : rows) {
			full = copy.add(row) || full;
		}
		assertThat(full).as("three rows fill a batch of three").isTrue();
		Runnable first = copy.detach();
		copy.add(new Object[] { 6, "after detach", 1L, null, null, null });
		first.run(); // sent after the writer has moved on to its next buffer
		copy.flush();

		List<Map<String, Object>> back = jdbc.queryForList("select * from t order by n");
		assertThat(back).hasSize(6);
		for (int i = 0; i < rows.size(); i++) {
			Object[] row = rows.get(i);
			Map<String, Object> got = back.get(i);
			assertThat(got.get("text")).as("text of row %d", i + 1).isEqualTo(row[1]);
			assertThat(got.get("big")).isEqualTo(row[2]);
			assertThat(got.get("id")).isEqualTo(row[3]);
			assertThat(got.get("flag")).isEqualTo(row[4]);
		}
		assertThat(jdbc.queryForObject("select at = ? from t where n = 1", Boolean.class, at)).isTrue();
		assertThat(jdbc.queryForObject("select at = ? from t where n = 2", Boolean.class, precise)).isTrue();
		assertThat(back.get(3).get("text")).as("an empty string is not NULL").isEqualTo("");
		assertThat(back.get(4).get("text")).isNull();
		assertThat(back.get(5).get("text")).isEqualTo("after detach");
	}

	@Test
	void aBatchBiggerThanTheInitialBufferArrivesWhole() {
		CopyInsert copy = new CopyInsert(jdbc.getDataSource(), "t", new String[] { "n", "text" }, Integer.MAX_VALUE);
		String text = "é\"x".repeat(60);
		for (int i = 0; i < 5_000; i++) {
			copy.add(i, text);
		}
		copy.flush();
		assertThat(jdbc.queryForObject("select count(*) from t where text = ?", Long.class, text)).isEqualTo(5_000);
	}
}
