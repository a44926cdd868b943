package io.keyshift.store;

import java.nio.file.Path;

import io.keyshift.support.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a partition's reader resumes: read from the committed decisions of the run, on both
 * databases. Users 10, 20, ..., 100 are in scope for run 7; run 8's decisions must not count.
 */
class UserCaseSourceIT {

	private static final long RUN = 7;

	@TempDir
	Path tmp;

	private TestDatabase db;

	private JdbcTemplate jdbc;

	private UserCaseSource source;

	private void open(TestDatabase.Kind kind) {
		db = TestDatabase.create(kind, tmp);
		jdbc = db.jdbc();
		String vendor = kind == TestDatabase.Kind.H2 ? "h2" : "postgresql";
		Flyway.configure()
			.dataSource(jdbc.getDataSource())
			.locations("classpath:db/migration", "classpath:db/vendor/" + vendor)
			.load()
			.migrate();
		for (long user = 10; user <= 100; user += 10) {
			jdbc.update("insert into stg_user (run_id, user_id, key_id, email, key_count, shared_email) "
					+ "values (?, ?, ?, ?, 1, false)", RUN, user, user + 1, "u" + user + "@example.com");
		}
		source = new UserCaseSource(jdbc, RUN);
	}

	@AfterEach
	void close() {
		if (db != null) {
			db.close();
		}
	}

	private void decide(long run, long user, int decisions) {
		for (int seq = 0; seq < decisions; seq++) {
			jdbc.update("insert into migration_decision (run_id, user_id, seq, email, outcome, key_status, key_changed) "
					+ "values (?, ?, ?, 'x@example.com', 'SKIPPED', 'ACTIVE', false)", run, user, seq);
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aRangeNobodyStartedResumesAtItsBeginning(TestDatabase.Kind kind) {
		open(kind);
		decide(8, 30, 1); // another run's decision
		assertThat(source.resumeAfter(20, 60)).isEqualTo(20);
		assertThat(source.resumeAfter(0, 100)).isZero();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aRangeResumesAfterItsDecidedUsers(TestDatabase.Kind kind) {
		open(kind);
		decide(RUN, 30, 2);
		decide(RUN, 40, 1);
		assertThat(source.resumeAfter(20, 60)).isEqualTo(40);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void anUndecidedUserBeforeADecidedOneIsNotSkipped(TestDatabase.Kind kind) {
		open(kind);
		decide(RUN, 30, 1);
		decide(RUN, 50, 1); // 40 has no committed decision
		assertThat(source.resumeAfter(20, 60)).isEqualTo(39);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aFinishedRangeResumesAtItsLastDecidedUser(TestDatabase.Kind kind) {
		open(kind);
		for (long user = 30; user <= 60; user += 10) {
			decide(RUN, user, 1);
		}
		decide(RUN, 70, 1); // the next range's
		assertThat(source.resumeAfter(20, 60)).isEqualTo(60);
		assertThat(source.countDecided()).isEqualTo(5);
	}
}
