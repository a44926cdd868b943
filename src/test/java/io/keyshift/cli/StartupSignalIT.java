package io.keyshift.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.keyshift.support.ChildRun;
import io.keyshift.support.TestDatabase;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGTERM while keyshift is still starting (Spring, the connection pool, Flyway) says that no run
 * began, exit 1, instead of the pool's "HikariDataSource ... has been closed" under a JVM shutdown
 * (exit 143). The moment is caught by sending the signal ever later until it lands in start-up.
 */
class StartupSignalIT {

	@TempDir
	Path tmp;

	private TestDatabase db;

	@AfterEach
	void drop() {
		if (db != null) {
			db.close();
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aSignalDuringStartUpSaysNoRunBegan(TestDatabase.Kind kind) throws Exception {
		db = TestDatabase.create(kind, tmp);
		FileSystemUtils.copyRecursively(Path.of("sample-data"), tmp.resolve("sample-data"));
		String line = null;
		List<String> seen = new ArrayList<>();
		for (int delay = 300; delay <= 6_000 && line == null; delay += 300) {
			List<String> args = new ArrayList<>(List.of("migrate", "--input", "sample-data", "--dry-run"));
			args.addAll(db.springArgs());
			ChildRun child = ChildRun.start(tmp, args);
			Thread.sleep(delay);
			child.terminate();
			int exit = child.exitCode(Duration.ofMinutes(2));
			String output = child.output();
			seen.add("after " + delay + " ms: exit " + exit + ": " + output);
			assertThat(output).as(String.join("\n", seen)).doesNotContain("has been closed").doesNotContain("Exception");
			if (output.contains("received while starting")) {
				assertThat(exit).isEqualTo(ExitCodes.FAILED);
				line = output.strip();
			}
			else if (output.contains("load: reading")) {
				break; // started before the signal: too late to catch start-up on this machine
			}
		}
		assertThat(line).as(String.join("\n", seen))
			.isEqualTo("keyshift: SIGTERM received while starting, before the run began; stopped. Nothing of it was"
					+ " written; run the same command again to start it.");
	}
}
