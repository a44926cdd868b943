package io.keyshift.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyshift.support.Csv;
import io.keyshift.support.TestDatabase;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code summary.json}'s progress and step figures after a real job on the sample export, checked
 * against what the run left in the database (its decisions and Spring Batch's step executions) and in
 * {@code report.csv}. A dry run first, then a real one, on H2 and PostgreSQL.
 */
class SummaryJsonIT {

	private static final Path SAMPLE = Path.of("sample-data");

	private static final List<String> STEPS = List.of("load", "check", "migrate", "report");

	@TempDir
	Path tmp;

	private TestDatabase db;

	@AfterEach
	void dropDatabase() {
		if (db != null) {
			db.close();
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void reportsProgressAndStepTimingsAsTheDatabaseRecordedThem(TestDatabase.Kind kind) {
		db = TestDatabase.create(kind, tmp);
		JobRun job = new JobRun(db, tmp);

		Path dry = job.dryRun(SAMPLE, "dry");
		assertProgressAndSteps(JobRun.summaryJson(dry), dry);
		assertSampleInputFigures(JobRun.summaryJson(dry));

		Path real = job.realRun(SAMPLE, "real");
		JsonNode json = JobRun.summaryJson(real);
		assertProgressAndSteps(json, real);
		long runId = json.get("run_id").asLong();
		JdbcTemplate jdbc = db.jdbc();
		// a real run keeps its decisions: the figures match them
		assertThat(json.at("/progress/users_done").asLong()).isEqualTo(jdbc.queryForObject(
				"select count(distinct user_id) from migration_decision where run_id = ?", Long.class, runId));
		assertThat(json.at("/progress/users_total").asLong()).isEqualTo(jdbc
			.queryForObject("select users_in_scope from run_record where run_id = ?", Long.class, runId));
		assertThat(json.get("tokens_minted").asLong()).isEqualTo(jdbc.queryForObject(
				"select count(*) from personal_access_token where run_id = ?", Long.class, runId));
		// the step counts are Spring Batch's own
		for (JsonNode step : json.get("steps")) {
			Map<String, Object> recorded = jdbc.queryForMap("""
					select count(*) n, sum(s.read_count) r, sum(s.write_count) w
					from batch_step_execution s join batch_job_execution e on e.job_execution_id = s.job_execution_id
					where e.job_instance_id = ? and s.step_name = ?""", runId, step.get("step").asText());
			assertThat(step.get("executions").asLong()).isEqualTo(((Number) recorded.get("n")).longValue());
			assertThat(step.get("items_read").asLong()).isEqualTo(((Number) recorded.get("r")).longValue());
			assertThat(step.get("items_written").asLong()).isEqualTo(((Number) recorded.get("w")).longValue());
		}
	}

	/** The whole-file figures sample-data/README.md states: rows read, rejected, deduplicated, scope. */
	private static void assertSampleInputFigures(JsonNode json) {
		assertThat(json.at("/input/rows_read").asLong()).isEqualTo(157);
		assertThat(json.at("/input/rows_rejected").asLong()).isEqualTo(19);
		assertThat(json.at("/input/rows_deduplicated").asLong()).isEqualTo(1);
		for (JsonNode file : json.at("/input/files")) {
			assertThat(file.get("rows_deduplicated").asLong()).as(file.get("file").asText())
				.isEqualTo(file.get("file").asText().equals("account_memberships.csv") ? 1 : 0);
		}
		assertThat(json.at("/users/with_legacy_key").asLong()).isEqualTo(36);
		assertThat(json.at("/users/without_legacy_key_out_of_scope").asLong()).isEqualTo(8);
	}

	private static void assertProgressAndSteps(JsonNode json, Path report) {
		List<Map<String, String>> rows = Csv.read(report.resolve(ReportFiles.REPORT_CSV));
		long users = rows.stream().map(r -> r.get("user_id")).distinct().count();
		JsonNode progress = json.get("progress");
		JsonNode steps = json.get("steps");

		// every user in scope was decided: nothing left, no ETA
		assertThat(users).isEqualTo(36);
		assertThat(progress.get("users_done").asLong()).isEqualTo(users);
		assertThat(progress.get("users_total").asLong()).isEqualTo(json.at("/users/with_legacy_key").asLong())
			.isEqualTo(users);
		assertThat(progress.get("eta_seconds").isIntegralNumber()).isTrue();
		assertThat(progress.get("eta_seconds").asLong()).isZero();

		List<String> names = new ArrayList<>();
		steps.forEach(step -> names.add(step.get("step").asText()));
		assertThat(names).containsExactlyElementsOf(STEPS);
		JsonNode migrate = steps.get(STEPS.indexOf("migrate"));
		assertThat(migrate.get("items_read").asLong()).isEqualTo(users);
		assertThat(migrate.get("items_written").asLong()).isEqualTo(users);
		assertThat(migrate.get("executions").asInt()).isOne();
		// the migrate step cuts the users into 8 ranges by default (more with --threads above 8)
		assertThat(migrate.get("partitions").asInt()).isEqualTo(8);
		// users per second: the users decided over the migrate step's time
		BigDecimal seconds = migrate.get("duration_seconds").decimalValue();
		assertThat(seconds).isPositive();
		assertThat(progress.get("users_per_second").decimalValue()).isEqualByComparingTo(
				BigDecimal.valueOf(users).divide(seconds, 1, RoundingMode.HALF_UP));

		Instant runStart = Instant.parse(json.get("started_at").asText());
		Instant runEnd = Instant.parse(json.get("finished_at").asText());
		BigDecimal stepsTime = BigDecimal.ZERO;
		Instant previousStart = runStart;
		for (JsonNode step : steps) {
			Instant start = Instant.parse(step.get("started_at").asText());
			Instant end = Instant.parse(step.get("finished_at").asText());
			assertThat(start).as(step.toString()).isAfterOrEqualTo(previousStart).isBeforeOrEqualTo(end);
			assertThat(end).as(step.toString()).isBeforeOrEqualTo(runEnd);
			stepsTime = stepsTime.add(step.get("duration_seconds").decimalValue());
			previousStart = start;
		}
		assertThat(stepsTime).isLessThanOrEqualTo(json.get("duration_seconds").decimalValue());
		assertThat(steps.get(0).get("status").asText()).isEqualTo("COMPLETED");
		assertThat(migrate.get("status").asText()).isEqualTo("COMPLETED");
		// the report step is writing these figures: said so, not STARTED (which reads as a step that never ended)
		assertThat(steps.get(STEPS.indexOf("report")).get("status").asText()).isEqualTo("WRITING_THIS_REPORT");
	}
}
