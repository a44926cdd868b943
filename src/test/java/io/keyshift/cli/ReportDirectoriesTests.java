package io.keyshift.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class ReportDirectoriesTests {

	@TempDir
	Path tmp;

	private Path reportOfRun(String name, long runId) throws IOException {
		Path dir = Files.createDirectories(tmp.resolve(name));
		Files.writeString(dir.resolve("summary.json"), "{\n  \"run_id\": " + runId + "\n}\n");
		Files.writeString(dir.resolve("report.csv"), "user_id\n");
		return dir;
	}

	@Test
	void aResumedRunWritesAgainOnlyIntoTheDirectoryItRecorded() throws IOException {
		Path own = reportOfRun("own", 1);
		assertThat(ReportDirectories.refusal(own, 1L, own.toString())).isNull();
	}

	@Test
	void theSameRunNumberFromAnotherDatabaseIsNotThisRunsReport() throws IOException {
		// found in review: run 1 of another database's report was written over by run 1 of this one
		Path other = reportOfRun("other", 1);
		Path recorded = tmp.resolve("recorded-elsewhere");
		assertThat(ReportDirectories.refusal(other, 1L, null)).startsWith("--report-dir " + other
				+ " already holds the report of run 1");
		assertThat(ReportDirectories.refusal(other, 1L, recorded.toString())).isNotNull();
	}

	@Test
	void anEmptyOrMissingDirectoryIsFine() throws IOException {
		assertThat(ReportDirectories.refusal(Files.createDirectories(tmp.resolve("empty")), null, null)).isNull();
		assertThat(ReportDirectories.refusal(tmp.resolve("missing"), 3L, null)).isNull();
	}
}
