package io.keyshift.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.keyshift.generate.ExportGenerator;
import io.keyshift.support.ChildRun;
import io.keyshift.support.TestDatabase;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two {@code migrate} processes on one database at once never both write. On H2 with
 * {@code AUTO_SERVER=TRUE} (which lets a second process in through a server the first one starts)
 * both are refused before anything is written; on PostgreSQL the second is refused while the first
 * holds the run lock. The built jar in child JVMs.
 */
class H2ServerModeIT {

	private static final Duration STEP = Duration.ofSeconds(300);

	@TempDir
	Path tmp;

	private Path export;

	private Path key;

	private TestDatabase db;

	@BeforeEach
	void export() throws IOException {
		export = tmp.resolve("export");
		new ExportGenerator().generate(new ExportGenerator.Options(3_000, 11), export);
		byte[] raw = new byte[32];
		new SecureRandom().nextBytes(raw);
		key = tmp.resolve("delivery.key");
		Files.writeString(key, Base64.getEncoder().encodeToString(raw));
	}

	@AfterEach
	void drop() {
		if (db != null) {
			db.close();
		}
	}

	private ChildRun start(String url, String name) throws IOException {
		List<String> args = new ArrayList<>(List.of("migrate", "--input", export.toString(), "--delivery-key-file",
				key.toString(), "--report-dir", tmp.resolve("report-" + name).toString(), "--keyshift.chunk-size=100",
				"--spring.datasource.url=" + url));
		args.addAll(db.springArgs().subList(1, 3));
		return ChildRun.start(tmp, args);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void twoProcessesAtOnceNeverBothWrite(TestDatabase.Kind kind) throws Exception {
		db = TestDatabase.create(kind, tmp);
		if (kind == TestDatabase.Kind.H2) {
			// (AUTO_SERVER does not go with the tests' DB_CLOSE_ON_EXIT=FALSE)
			String url = "jdbc:h2:file:" + tmp.resolve("h2").resolve("keyshift").toAbsolutePath() + ";AUTO_SERVER=TRUE";
			ChildRun first = start(url, "first");
			ChildRun second = start(url, "second");
			String refused = "keyshift: migrate cannot hold its run lock on H2 in AUTO_SERVER mode (AUTO_SERVER=TRUE"
					+ " in the URL): another process can write to the database beside it. Use H2 embedded"
					+ " (jdbc:h2:file:./data/keyshift, the default) or PostgreSQL. Nothing was written.";
			assertThat(first.exitCode(STEP)).as(first.output()).isEqualTo(2);
			assertThat(second.exitCode(STEP)).as(second.output()).isEqualTo(2);
			assertThat(first.output()).contains(refused);
			assertThat(second.output()).contains(refused);
			assertThat(tmp.resolve("h2")).doesNotExist();
			return;
		}
		ChildRun first = start(db.url(), "first");
		assertThat(first.await(l -> l.contains("load: reading"), STEP)).as(first.output()).isTrue();
		first.pause();
		try {
			ChildRun second = start(db.url(), "second");
			assertThat(second.exitCode(STEP)).as(second.output()).isEqualTo(2);
			assertThat(second.output()).contains("another keyshift run holds this database")
				.contains("pid " + first.pid());
		}
		finally {
			first.resume();
		}
		assertThat(first.exitCode(STEP)).as(first.output()).isZero();
	}
}
