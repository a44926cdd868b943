package io.keyshift.report;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import io.keyshift.cli.Cli;
import io.keyshift.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * H2 and PostgreSQL apply the whole-file rules differently (ordered streams on H2, set-wise SQL on
 * PostgreSQL), so the same generated export, with repeated ids and repeated grants added, must give
 * the same report and the same figures on both.
 */
class DatabasesAgreeIT {

	@TempDir
	Path tmp;

	@Test
	void theSameExportGivesTheSameReportOnH2AndPostgres() throws IOException {
		Path export = tmp.resolve("export");
		PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
		assertThat(Cli.run(new String[] { "generate", "--users", "4000", "--seed", "7", "--out", export.toString() },
				quiet, quiet)).isZero();
		List<String> memberships = Files.readAllLines(export.resolve("account_memberships.csv"));
		assertThat(memberships).as("the generator repeats no membership row itself").doesNotHaveDuplicates();
		repeatSomeRows(export);

		Path h2 = dryRun(TestDatabase.Kind.H2, export);
		Path postgres = dryRun(TestDatabase.Kind.POSTGRES, export);

		List<String> h2Rows = Files.readAllLines(h2.resolve(ReportFiles.REPORT_CSV));
		assertThat(h2Rows).hasSizeGreaterThan(4000);
		assertThat(h2Rows).containsExactlyElementsOf(Files.readAllLines(postgres.resolve(ReportFiles.REPORT_CSV)));
		assertThat(Files.readAllLines(h2.resolve(ReportFiles.REJECTS_CSV)))
			.containsExactlyElementsOf(Files.readAllLines(postgres.resolve(ReportFiles.REJECTS_CSV)));

		JsonNode a = JobRun.summaryJson(h2);
		JsonNode b = JobRun.summaryJson(postgres);
		for (String part : List.of("/input/files", "/input/rows_read", "/input/rows_rejected",
				"/input/rows_deduplicated", "/users", "/outcomes", "/plans")) {
			assertThat(a.at(part)).as(part).isEqualTo(b.at(part));
		}
		// the added problems are there, so both implementations had something to find
		assertThat(a.at("/input/rows_deduplicated").asLong()).as("the two membership rows repeated here").isEqualTo(2);
		assertThat(h2Rows).anyMatch(r -> r.contains("DUPLICATE_IDENTITY")).anyMatch(r -> r.contains("DUPLICATE_LEGACY_KEY"));
		assertThat(Files.readAllLines(h2.resolve(ReportFiles.REJECTS_CSV)))
			.anyMatch(r -> r.startsWith("legacy_api_keys.csv,") && r.contains("appears on 2 rows"))
			.anyMatch(r -> r.startsWith("accounts.csv,") && r.contains("appears on 2 rows"));
	}

	private Path dryRun(TestDatabase.Kind kind, Path export) {
		try (TestDatabase db = TestDatabase.create(kind, tmp.resolve(kind.name()))) {
			return new JobRun(db, tmp.resolve(kind.name())).dryRun(export, "report");
		}
	}

	/** Repeats two membership rows exactly, one key row and one account row (same id). */
	private static void repeatSomeRows(Path export) throws IOException {
		for (String[] file : new String[][] { { "account_memberships.csv", "2", "40" }, { "legacy_api_keys.csv", "30" },
				{ "accounts.csv", "5" } }) {
			Path path = export.resolve(file[0]);
			List<String> lines = Files.readAllLines(path);
			StringBuilder extra = new StringBuilder();
			for (int i = 1; i < file.length; i++) {
				extra.append(lines.get(Integer.parseInt(file[i]))).append('\n');
			}
			Files.writeString(path, extra, StandardOpenOption.APPEND);
		}
	}
}
