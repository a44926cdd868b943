package io.keyshift.store;

import java.nio.file.Path;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.keyshift.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What goes through the bulk writer comes back exactly, through COPY on PostgreSQL ({@link CopyInsert})
 * and JDBC batches on H2 ({@link BatchInsert}): quotes, separators, line breaks and non-ASCII text
 * (with a quote after it), NULL against the empty string, extreme numbers, UUIDs, booleans and
 * timestamps with offsets and nanoseconds.
 */
class TableWriterIT {

	private static final String[] COLUMNS = { "n", "text", "big", "id", "flag", "at" };

	private static final int[] TYPES = { Types.INTEGER, Types.VARCHAR, Types.BIGINT, Types.OTHER, Types.BOOLEAN,
			Types.TIMESTAMP_WITH_TIMEZONE };

	@TempDir
	Path tmp;

	private TestDatabase db;

	private JdbcTemplate jdbc;

	private TableWriter writer(TestDatabase.Kind kind, String[] columns, int[] types, int batchSize) {
		db = TestDatabase.create(kind, tmp);
		jdbc = db.jdbc();
		jdbc.execute("create table t (n integer, text varchar(200), big bigint, id uuid, flag boolean,"
				+ " at timestamp with time zone)");
		TableWriter writer = Dialect.of(jdbc).writer(jdbc, "t", columns, types, batchSize);
		assertThat(writer).isInstanceOf(kind == TestDatabase.Kind.POSTGRES ? CopyInsert.class : BatchInsert.class);
		return writer;
	}

	@AfterEach
	void drop() {
		if (db != null) {
			db.close();
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void rowsComeBackAsTheyWereWritten(TestDatabase.Kind kind) {
		TableWriter writer = writer(kind, COLUMNS, TYPES, 3);
		UUID id = UUID.randomUUID();
		OffsetDateTime at = OffsetDateTime.of(2026, 11, 8, 8, 1, 0, 0, ZoneOffset.UTC);
		OffsetDateTime precise = OffsetDateTime.of(2026, 1, 2, 3, 4, 5, 123_456_000, ZoneOffset.ofHours(2));
		List<Object[]> rows = List.of(
				new Object[] { 1, "plain", 42L, id, true, at },
				new Object[] { 2, "Fabrikam \"Blue\", Ltd.\nline two\r\n", -7L, null, false, precise },
				new Object[] { 3, "\"Quoted\" first, then Zoë \"Ünïcode\" 😀 \"end\"", Long.MAX_VALUE, id, null, at },
				new Object[] { 4, "", Long.MIN_VALUE, null, true, null },
				new Object[] { 5, null, 0L, null, null, null });
		assertThat(rows.subList(0, 3).stream().map(writer::add).toList()).as("the third row fills a batch of three")
			.containsExactly(false, false, true);
		assertThat(count()).as("nothing is sent before a flush or a detached batch runs").isZero();
		Runnable first = writer.detach();
		assertThat(rows.subList(3, 5).stream().map(writer::add).toList()).as("a new batch after the detach")
			.containsExactly(false, false);
		writer.add(new Object[] { 6, "after detach", 1L, null, null, null });
		first.run(); // sent after the writer has moved on to its next buffer
		assertThat(count()).isEqualTo(3);
		writer.flush();
		writer.flush(); // nothing left: sends nothing twice

		List<Map<String, Object>> back = jdbc.queryForList("select * from t order by n");
		assertThat(back).hasSize(6);
		for (int i = 0; i < rows.size(); i++) {
			Object[] row = rows.get(i);
			Map<String, Object> got = back.get(i);
			assertThat(got.get("n")).isEqualTo(row[0]);
			assertThat(got.get("text")).as("text of row %d", i + 1).isEqualTo(row[1]);
			assertThat(got.get("big")).isEqualTo(row[2]);
			assertThat(got.get("id")).isEqualTo(row[3]);
			assertThat(got.get("flag")).isEqualTo(row[4]);
			OffsetDateTime stored = jdbc.queryForObject("select at from t where n = ?", OffsetDateTime.class, row[0]);
			assertThat(stored == null ? null : stored.toInstant()).as("at of row %d", i + 1)
				.isEqualTo(row[5] == null ? null : ((OffsetDateTime) row[5]).toInstant());
		}
		assertThat(back.get(3).get("text")).as("an empty string is not NULL").isEqualTo("");
		assertThat(back.get(4).get("text")).isNull();
		assertThat(back.get(5).get("text")).isEqualTo("after detach");
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aBatchBiggerThanTheInitialBufferArrivesWhole(TestDatabase.Kind kind) {
		TableWriter writer = writer(kind, new String[] { "n", "text" }, new int[] { Types.INTEGER, Types.VARCHAR },
				Integer.MAX_VALUE);
		String text = "é\"x".repeat(60);
		for (int i = 0; i < 5_000; i++) {
			assertThat(writer.add(i, text)).isFalse();
		}
		writer.flush();
		assertThat(jdbc.queryForObject("select count(*) from t where text = ?", Long.class, text)).isEqualTo(5_000);
		assertThat(jdbc.queryForObject("select count(distinct n) from t", Long.class)).isEqualTo(5_000);
	}

	private long count() {
		return jdbc.queryForObject("select count(*) from t", Long.class);
	}
}
