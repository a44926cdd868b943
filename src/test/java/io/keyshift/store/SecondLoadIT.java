package io.keyshift.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.zaxxer.hikari.HikariDataSource;
import io.keyshift.generate.ExportGenerator;
import io.keyshift.input.Export;
import io.keyshift.input.ExportReader;
import io.keyshift.support.TestDatabase;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A second load in the database of an earlier run, as the load step runs it: inside the step's
 * transaction, which stays open until the step ends, while the batches and the whole-file rules use
 * connections of their own. The rules must plan from this load's statistics, not the earlier run's:
 * planned from statistics that know no row of this run_id, PostgreSQL nests loops over every staged
 * row and a 50,000-user second run sat in the load step for minutes.
 */
class SecondLoadIT {

	private static final long FIRST = 1;

	private static final long SECOND = 2;

	private static final Pattern PLAN_ROWS = Pattern.compile("\"Plan Rows\": (\\d+)");

	@TempDir
	Path tmp;

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void theSecondLoadsRulesSeeItsOwnStatisticsWhileTheStepIsOpen(TestDatabase.Kind kind) throws Exception {
		Path export = tmp.resolve("export");
		new ExportGenerator().generate(new ExportGenerator.Options(400, 7), export);
		try (TestDatabase db = TestDatabase.create(kind, tmp.resolve("db"));
				HikariDataSource dataSource = db.migratedPool(6)) {
			DataSourceTransactionManager manager = new DataSourceTransactionManager(dataSource);
			TransactionTemplate step = new TransactionTemplate(manager);
			TransactionTemplate eachBatch = new TransactionTemplate(manager);
			eachBatch.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
			JdbcTemplate jdbc = new JdbcTemplate(dataSource);

			step.executeWithoutResult(status -> load(jdbc, eachBatch, FIRST, export));
			eachBatch.executeWithoutResult(status -> StagingTables.drop(jdbc, FIRST)); // the first run is over

			long[] estimated = new long[1];
			step.executeWithoutResult(status -> {
				load(jdbc, eachBatch, SECOND, export);
				// the step's transaction is still open: what does any other connection plan from?
				estimated[0] = estimatedRows(dataSource, kind, SECOND);
			});

			long staged = jdbc.queryForObject("select count(*) from stg_membership where run_id = ?", Long.class,
					SECOND);
			assertThat(staged).as("membership rows staged by the second load").isPositive();
			if (kind == TestDatabase.Kind.POSTGRES) {
				// the earlier run's statistics know run_id 1 only and estimate 1 row for run_id 2
				assertThat(estimated[0]).as("rows the planner expects for the second run").isGreaterThan(staged / 2);
			}
			List<Long> scopes = jdbc.queryForList(
					"select users_in_scope + 1000000 * users_out_of_scope from run_record order by run_id", Long.class);
			assertThat(scopes).as("the same export gives the same scope on both runs").hasSize(2);
			assertThat(scopes.get(1)).isEqualTo(scopes.get(0));
		}
	}

	private static void load(JdbcTemplate jdbc, TransactionTemplate eachBatch, long run, Path export) {
		try (StagingStore staging = new StagingStore(jdbc, eachBatch, run)) {
			staging.clear();
			new ExportReader(staging).read(Export.open(export));
			staging.finish();
		}
	}

	/** The planner's row estimate for a run's membership rows, on a connection of its own. */
	private static long estimatedRows(HikariDataSource dataSource, TestDatabase.Kind kind, long run) {
		if (kind != TestDatabase.Kind.POSTGRES) {
			return -1; // H2 keeps no per-value statistics
		}
		try (Connection other = dataSource.getConnection();
				PreparedStatement explain = other
					.prepareStatement("explain (format json) select * from stg_membership where run_id = " + run);
				ResultSet rs = explain.executeQuery()) {
			rs.next();
			Matcher rows = PLAN_ROWS.matcher(rs.getString(1));
			assertThat(rows.find()).as("a row estimate in the plan").isTrue();
			return Long.parseLong(rows.group(1));
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
