package io.keyshift.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariDataSource;
import io.keyshift.input.Export;
import io.keyshift.input.ExportReader;
import io.keyshift.input.HostileExport;
import io.keyshift.input.InputFile;
import io.keyshift.support.TestDatabase;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load (reader and staging store, with the whole-file rules) over generated hostile exports, on
 * H2 and PostgreSQL: it never throws (no value reaches a database that refuses it), every row is
 * staged or rejected with a reason, the counts add up (read = staged + rejected; deduplicated rows
 * are staged rows counted once more), and no key reaches a table.
 */
class StagingLoadPropertiesIT {

	private static final Map<TestDatabase.Kind, Open> DATABASES = new EnumMap<>(TestDatabase.Kind.class);

	private static final AtomicLong RUNS = new AtomicLong(1000);

	private static Path tmp;

	private record Open(TestDatabase db, HikariDataSource dataSource, JdbcTemplate jdbc, TransactionTemplate tx) {
	}

	@BeforeContainer
	static void openDatabases() throws IOException {
		tmp = Files.createTempDirectory("keyshift-load-props");
		for (TestDatabase.Kind kind : TestDatabase.Kind.values()) {
			TestDatabase db = TestDatabase.create(kind, tmp.resolve(kind.name()));
			HikariDataSource dataSource = db.migratedPool(4);
			TransactionTemplate eachBatch = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
			eachBatch.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
			DATABASES.put(kind, new Open(db, dataSource, new JdbcTemplate(dataSource), eachBatch));
		}
	}

	@AfterContainer
	static void closeDatabases() {
		DATABASES.values().forEach(open -> {
			open.dataSource().close();
			open.db().close();
		});
	}

	@Provide
	Arbitrary<HostileExport> exports() {
		return HostileExport.exports();
	}

	@Property(tries = 40)
	void everyRowIsStagedOrRejectedOnBothDatabasesAndNoKeyIsStored(@ForAll("exports") HostileExport export,
			@ForAll TestDatabase.Kind kind) throws IOException {
		Open open = DATABASES.get(kind);
		JdbcTemplate jdbc = open.jdbc();
		long run = RUNS.incrementAndGet();
		Path dir = export.writeTo(tmp.resolve("export-" + run));

		try (StagingStore staging = new StagingStore(jdbc, open.tx(), run)) {
			new ExportReader(staging).read(Export.open(dir));
			staging.finish();
		}

		Map<InputFile, String> staged = Map.of(InputFile.ACCOUNTS, "select count(*) from stg_account where run_id = ?",
				InputFile.LEGACY_KEYS, "select count(*) from stg_legacy_key where run_id = ?", InputFile.MEMBERSHIPS,
				"select count(*) from stg_membership where run_id = ? and not rejected", InputFile.USAGE,
				"select count(*) from stg_usage where run_id = ?");
		for (InputFile file : InputFile.values()) {
			long read = jdbc.queryForObject("select rows_read from input_file where run_id = ? and file = ?",
					Long.class, run, file.fileName());
			long rejected = jdbc.queryForObject("select count(*) from input_reject where run_id = ? and file = ?",
					Long.class, run, file.fileName());
			long kept = jdbc.queryForObject(staged.get(file), Long.class, run);
			assertThat(read).as("%s rows read", file.fileName()).isEqualTo(export.rowCount(file));
			assertThat(kept + rejected).as("%s: staged + rejected", file.fileName()).isEqualTo(read);
		}
		long deduplicated = jdbc.queryForObject(
				"select rows_deduplicated from input_file where run_id = ? and file = 'account_memberships.csv'",
				Long.class, run);
		assertThat(deduplicated).isLessThanOrEqualTo(jdbc.queryForObject(staged.get(InputFile.MEMBERSHIPS), Long.class,
				run));
		assertThat(jdbc.queryForObject("""
				select count(*) from input_reject where run_id = ? and (reason = '' or category = '' or line < 2)""",
				Long.class, run)).isZero();
		assertThat(jdbc.queryForObject(
				"select count(*) from input_reject where run_id = ? and unattributed and file <> 'account_memberships.csv'",
				Long.class, run)).isZero();
		StringBuilder stored = new StringBuilder();
		for (String sql : List.of("select reason || record from input_reject where run_id = ?",
				"select email || hint || fingerprint from stg_legacy_key where run_id = ?",
				"select email from stg_user where run_id = ?")) {
			jdbc.query(sql, rs -> {
				stored.append(rs.getString(1)).append('\n');
			}, run);
		}
		assertThat(stored.toString()).doesNotContain(HostileExport.SECRET_MARK);
		open.tx().executeWithoutResult(status -> StagingTables.drop(jdbc, run));
	}
}
