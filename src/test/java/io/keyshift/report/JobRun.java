package io.keyshift.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.keyshift.cli.Cli;
import io.keyshift.support.TestDatabase;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the whole product through its command line, as {@code MigrationJobIT} does, and hands back
 * the report directory it wrote.
 */
final class JobRun {

	private final TestDatabase db;

	private final Path tmp;

	JobRun(TestDatabase db, Path tmp) {
		this.db = db;
		this.tmp = tmp;
	}

	/** A dry run of {@code input}; its report goes to {@code tmp/name}. */
	Path dryRun(Path input, String name) {
		Path report = tmp.resolve(name);
		run("migrate", "--input", input.toString(), "--dry-run", "--report-dir", report.toString());
		return report;
	}

	/** A real run of {@code input} with a fresh delivery key; its report goes to {@code tmp/name}. */
	Path realRun(Path input, String name) {
		Path report = tmp.resolve(name);
		run("migrate", "--input", input.toString(), "--report-dir", report.toString(), "--delivery-key-file",
				deliveryKey().toString(), "--accept-unattributed-rows"); // sample-data's membership line 87
		return report;
	}

	static JsonNode summaryJson(Path report) {
		try {
			return new ObjectMapper().readTree(report.resolve(ReportFiles.SUMMARY_JSON).toFile());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void run(String... args) {
		List<String> all = new ArrayList<>(List.of(args));
		all.addAll(db.springArgs());
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		int exit = Cli.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
		assertThat(exit).as("keyshift %s\n%s%s", String.join(" ", args), out, err).isZero();
	}

	private Path deliveryKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		Path file = tmp.resolve("delivery.key");
		try {
			Files.writeString(file, Base64.getEncoder().encodeToString(key) + "\n");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return file;
	}
}
