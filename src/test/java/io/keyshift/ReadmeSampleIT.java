package io.keyshift;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.keyshift.support.ChildRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's sample run, run as the README says (the built jar, in a fresh directory, on the
 * sample export), prints what the README shows: the block after "The sample run prints:" is read
 * from README.md itself, so it stays true whatever the program comes to print. Only what varies
 * from run to run is set aside: the time of day, the input's absolute path, the report directory's
 * time, and durations and rates.
 */
class ReadmeSampleIT {

	@TempDir
	Path tmp;

	@Test
	void theSampleRunPrintsWhatTheReadmeShows() throws Exception {
		FileSystemUtils.copyRecursively(Path.of("sample-data"), tmp.resolve("sample-data"));

		ChildRun child = ChildRun.start(tmp, List.of("migrate", "--input", "sample-data", "--dry-run"));

		assertThat(child.exitCode(Duration.ofMinutes(6))).as(child.output()).isZero();
		assertThat(normalised(child.output())).isEqualTo(normalised(readmeSampleOutput()));
	}

	/** The fenced block that follows "The sample run prints ...:" in README.md. */
	static String readmeSampleOutput() throws Exception {
		String readme = Files.readString(Path.of("README.md"));
		Matcher m = Pattern.compile("The sample run prints[^\\n]*:\\s*\\n```\\n(.*?)\\n```", Pattern.DOTALL).matcher(readme);
		assertThat(m.find()).as("README.md has the sample output block").isTrue();
		return m.group(1);
	}

	static String normalised(String output) {
		return output.strip()
			.replaceAll("(?m)^\\d{2}:\\d{2}:\\d{2} ", "HH:MM:SS ")
			.replaceAll("load: reading \\S*sample-data", "load: reading DIR/sample-data")
			.replaceAll("reports/dry-run-(\\d+)-\\d{8}-\\d{6}", "reports/dry-run-$1-TIME")
			.replaceAll("\\d+\\.\\d+ s\\b", "T s")
			.replaceAll("[\\d,]+(\\.\\d+)?( MB)?/s", "R$2/s");
	}
}
