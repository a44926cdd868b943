package io.keyshift.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What the command line says and exits with before any database is touched. */
class CliTests {

	@TempDir
	Path dir;

	private final ByteArrayOutputStream out = new ByteArrayOutputStream();

	private final ByteArrayOutputStream err = new ByteArrayOutputStream();

	private int run(String... args) {
		return Cli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
				new PrintStream(err, true, StandardCharsets.UTF_8));
	}

	private Path export() throws IOException {
		Files.writeString(dir.resolve("accounts.csv"), "account_id,account_name,plan,state\n");
		Files.writeString(dir.resolve("legacy_api_keys.csv"), "key_id,user_id,email,api_key,created_at,last_used_at\n");
		Files.writeString(dir.resolve("account_memberships.csv"),
				"user_id,account_id,license_type,permission_set,project_id\n");
		return dir;
	}

	@Test
	void helpPrintsUsageAndExitsZero() {
		assertThat(run("--help")).isZero();
		assertThat(out.toString()).contains("keyshift migrate --input DIR", "keyshift deliver [--dry-run]", "SPRING_MAIL_HOST",
				"KEYSHIFT_MAIL_FROM", "Exit codes");
	}

	@Test
	void badUsageExitsTwoWithOneLine() {
		assertThat(run("migrate", "--input")).isEqualTo(2);
		assertThat(err.toString()).isEqualTo("keyshift: --input needs a value. Try 'keyshift --help'."
				+ System.lineSeparator());
	}

	@Test
	void missingFileExitsTwoNamingItAndCreatesNoDatabase() throws IOException {
		Files.delete(export().resolve("legacy_api_keys.csv"));
		assertThat(run("migrate", "--input", dir.toString(), "--dry-run",
				"--spring.datasource.url=jdbc:h2:file:" + dir.resolve("db/keyshift"))).isEqualTo(2);
		assertThat(err.toString()).contains("legacy_api_keys.csv: required file is missing").contains("Nothing was written");
		assertThat(dir.resolve("db")).doesNotExist();
	}

	@Test
	void realRunWithoutADeliveryKeyExitsTwo() throws IOException {
		assertThat(run("migrate", "--input", export().toString())).isEqualTo(2);
		assertThat(err.toString()).contains("--delivery-key-file").contains("openssl rand -base64 32");
	}

	@Test
	void unusableDeliveryKeyExitsTwoWithoutShowingTheFile() throws IOException {
		Path key = dir.resolve("delivery.key");
		Files.writeString(key, "c2hvcnQtc2VjcmV0LXZhbHVl\n");
		assertThat(run("migrate", "--input", export().toString(), "--delivery-key-file", key.toString())).isEqualTo(2);
		assertThat(err.toString()).contains("delivery.key").doesNotContain("c2hvcnQtc2VjcmV0LXZhbHVl");
	}

	@Test
	void aMigrateKeyFileThatIsNotARegularFileExitsTwo() throws Exception {
		Path fifo = dir.resolve("key.fifo");
		Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
		assumeTrue(mkfifo.waitFor() == 0, "mkfifo is available");
		assertThat(run("migrate", "--input", export().toString(), "--delivery-key-file", fifo.toString())).isEqualTo(2);
		assertThat(err.toString()).isEqualTo("keyshift: delivery key file " + fifo + " is not a regular file (a pipe"
				+ " can be read only once, and migrate reads the key again whenever the run resumes): keep the key in a"
				+ " file readable only by you. Nothing was written." + System.lineSeparator());
	}

	@Test
	void deliverWithoutADeliveryKeyExitsTwo() {
		assertThat(run("deliver")).isEqualTo(2);
		assertThat(err.toString()).isEqualTo("keyshift: deliver needs --delivery-key-file FILE (the key migrate"
				+ " sealed the tokens with), or use --dry-run. Nothing was sent." + System.lineSeparator());
	}

	@Test
	void deliverWithAnUnusableKeyExitsTwoWithoutShowingTheFile() throws IOException {
		Path key = Files.writeString(dir.resolve("delivery.key"), "not-base64-secretish!!");
		assertThat(run("deliver", "--delivery-key-file", key.toString())).isEqualTo(2);
		assertThat(err.toString()).contains("delivery.key", "not base64", "Nothing was sent")
			.doesNotContain("secretish");
	}

	@Test
	void deliverWhereThereIsNoEmbeddedDatabaseExitsTwoAndCreatesNone() {
		assertThat(run("deliver", "--dry-run", "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("data/keyshift")
				+ ";DB_CLOSE_ON_EXIT=FALSE")).isEqualTo(2);
		assertThat(err.toString()).isEqualTo("keyshift: no keyshift database at " + dir.resolve("data/keyshift.mv.db")
				+ ": run deliver in the directory migrate ran in (its embedded database is ./data there), or point"
				+ " SPRING_DATASOURCE_URL at migrate's database. Nothing was sent." + System.lineSeparator());
		assertThat(dir.resolve("data")).doesNotExist();
	}

	@Test
	void findsTheFileOfAnEmbeddedDatabaseUrlOnly() {
		assertThat(Cli.embeddedDatabaseFile("jdbc:h2:file:./data/keyshift;DB_CLOSE_ON_EXIT=FALSE"))
			.isEqualTo(Path.of("./data/keyshift.mv.db"));
		assertThat(Cli.embeddedDatabaseFile("jdbc:h2:/var/lib/keyshift/db")).isEqualTo(Path.of("/var/lib/keyshift/db.mv.db"));
		assertThat(Cli.embeddedDatabaseFile("jdbc:h2:~/keyshift"))
			.isEqualTo(Path.of(System.getProperty("user.home") + "/keyshift.mv.db"));
		assertThat(Cli.embeddedDatabaseFile("jdbc:h2:mem:test")).isNull();
		assertThat(Cli.embeddedDatabaseFile("jdbc:h2:tcp://db/keyshift")).isNull();
		assertThat(Cli.embeddedDatabaseFile("jdbc:postgresql://db:5432/keyshift")).isNull();
		assertThat(Cli.embeddedDatabaseFile(null)).isNull();
	}

	@Test
	void namesTheH2ModesTheRunLockCannotCoverAndNeverQuotesTheUrl() {
		assertThat(Cli.h2ModeWithoutRunLock("jdbc:h2:file:./data/keyshift")).isNull();
		assertThat(Cli.h2ModeWithoutRunLock("jdbc:h2:./data/keyshift;DB_CLOSE_ON_EXIT=FALSE")).isNull();
		assertThat(Cli.h2ModeWithoutRunLock("jdbc:h2:mem:test")).isNull();
		assertThat(Cli.h2ModeWithoutRunLock("jdbc:h2:file:./x;AUTO_SERVER=FALSE;FILE_LOCK=FILE")).isNull();
		assertThat(Cli.h2ModeWithoutRunLock("jdbc:postgresql://db:5432/keyshift")).isNull();
		assertThat(Cli.h2ModeWithoutRunLock(null)).isNull();
		assertThat(Cli.h2ModeWithoutRunLock("jdbc:h2:file:./x;auto_server=true"))
			.isEqualTo("in AUTO_SERVER mode (AUTO_SERVER=TRUE in the URL)");
		assertThat(Cli.h2ModeWithoutRunLock("jdbc:h2:tcp://db:9092/keyshift;PASSWORD=hunter2"))
			.isEqualTo("in server mode (a jdbc:h2:tcp: URL)");
		assertThat(Cli.h2ModeWithoutRunLock("jdbc:h2:ssl://db/keyshift")).isEqualTo("in server mode (a jdbc:h2:ssl: URL)");
		assertThat(Cli.h2ModeWithoutRunLock("jdbc:h2:./x;FILE_LOCK=NO"))
			.isEqualTo("without its file lock (FILE_LOCK=NO in the URL)");
	}
}
