package io.keyshift.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

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
	void aReportDirectoryThatCannotBeCreatedStopsTheRunBeforeAnythingStarts() throws IOException {
		Path file = Files.writeString(dir.resolve("afile"), "");
		assertThat(run("migrate", "--input", export().toString(), "--dry-run", "--report-dir",
				file.resolve("sub").toString(), "--spring.datasource.url=jdbc:h2:file:" + dir.resolve("db/keyshift")))
			.isEqualTo(2);
		assertThat(err.toString()).isEqualTo("keyshift: --report-dir " + file.resolve("sub") + " cannot be created: "
				+ file + " is a file, not a directory. Try 'keyshift --help'." + System.lineSeparator());
		assertThat(dir.resolve("db")).doesNotExist();
	}

	@Test
	void aKeyFileOthersCanReadIsWarnedAbout() throws IOException {
		Path key = Files.writeString(dir.resolve("delivery.key"), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
		Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
		// a report directory that cannot be made stops the run right after the key is checked
		Path blocked = Files.writeString(dir.resolve("afile"), "").resolve("sub");
		assertThat(run("migrate", "--input", export().toString(), "--delivery-key-file", key.toString(),
				"--report-dir", blocked.toString())).isEqualTo(2);
		assertThat(err.toString()).startsWith("keyshift: warning: delivery key file " + key
				+ " can be read by other users (rw-r--r--): make it readable only by you with: chmod 600 " + key
				+ System.lineSeparator());

		err.reset();
		Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
		assertThat(run("migrate", "--input", export().toString(), "--delivery-key-file", key.toString(),
				"--report-dir", blocked.toString())).isEqualTo(2);
		assertThat(err.toString()).doesNotContain("warning");
	}

	@Test
	void deliversKeyProblemsSayToFindTheKeyMigrateWasGivenNotToMakeOne() {
		assertThat(run("deliver", "--delivery-key-file", dir.resolve("missing.key").toString())).isEqualTo(2);
		assertThat(err.toString()).isEqualTo("keyshift: delivery key file " + dir.resolve("missing.key")
				+ " does not exist (find the key migrate was given: only it opens the tokens migrate sealed, a new key"
				+ " never will). Nothing was sent." + System.lineSeparator());
	}

	@Test
	void versionPrintsTheVersionAndExitsZero() {
		assertThat(run("--version")).isZero();
		assertThat(out.toString()).startsWith("keyshift ");
		assertThat(err.toString()).isEmpty();
	}

	@Test
	void generateRefusesToWriteOverAnExportUnlessForced() throws IOException {
		Path out = dir.resolve("export");
		assertThat(run("generate", "--users", "5", "--out", out.toString())).isZero();
		String before = Files.readString(out.resolve("accounts.csv"));
		Files.writeString(out.resolve("accounts.csv"), "edited by hand\n");

		assertThat(run("generate", "--users", "7", "--out", out.toString())).isEqualTo(2);
		assertThat(err.toString()).isEqualTo("keyshift: --out " + out + " already holds an export (accounts.csv,"
				+ " legacy_api_keys.csv, account_memberships.csv, api_key_usage.csv): give a new directory, or add"
				+ " --force to write over it. Try 'keyshift --help'." + System.lineSeparator());
		assertThat(Files.readString(out.resolve("accounts.csv"))).isEqualTo("edited by hand\n");

		assertThat(run("generate", "--users", "5", "--out", out.toString(), "--force")).isZero();
		assertThat(Files.readString(out.resolve("accounts.csv"))).isEqualTo(before);
	}

	@Test
	void aDatabaseUrlOfNoKnownKindExitsTwoBeforeAnythingStarts() throws IOException {
		assertThat(run("migrate", "--input", export().toString(), "--dry-run", "--report-dir",
				dir.resolve("r").toString(), "--spring.datasource.url=jdbc:postgres://db.internal:5432/keyshift"))
			.isEqualTo(2);
		assertThat(err.toString()).isEqualTo("keyshift: the database URL 'jdbc:postgres://db.internal:5432/keyshift' is"
				+ " not one keyshift can use: fix SPRING_DATASOURCE_URL (--spring.datasource.url) (PostgreSQL's is"
				+ " jdbc:postgresql://HOST:5432/DATABASE, the embedded database's jdbc:h2:file:./data/keyshift)."
				+ " Nothing was written." + System.lineSeparator());
	}

	@Test
	void aRefusedDatabaseConnectionNamesTheHostAndPort() {
		assertThat(run("deliver", "--dry-run", "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/keyshift",
				"--spring.datasource.hikari.connection-timeout=2000")).isEqualTo(1);
		assertThat(err.toString()).isEqualTo("keyshift: cannot start: nothing accepts database connections at"
				+ " 127.0.0.1:1 (Connection refused): start the database server there, or fix the host and port in"
				+ " SPRING_DATASOURCE_URL (--spring.datasource.url); then rerun the same command."
				+ System.lineSeparator());
	}

	@Test
	void anUnknownDatabaseHostIsNamed() {
		assertThat(run("deliver", "--dry-run", "--spring.datasource.url=jdbc:postgresql://no-such-host.invalid/keyshift",
				"--spring.datasource.hikari.connection-timeout=2000")).isEqualTo(1);
		assertThat(err.toString()).isEqualTo("keyshift: cannot start: the database host 'no-such-host.invalid' is"
				+ " unknown (jdbc:postgresql://no-such-host.invalid/keyshift): check the host name in"
				+ " SPRING_DATASOURCE_URL (--spring.datasource.url)." + System.lineSeparator());
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

	@Test
	void takesEveryWayH2SpellsTrueAsAutoServerOn() {
		// H2 reads 1, yes, t, y as true too (found in review: AUTO_SERVER=1 slipped through)
		for (String on : new String[] { "1", "yes", "YES", "t", "y", "True" }) {
			assertThat(Cli.h2ModeWithoutRunLock("jdbc:h2:file:./x;AUTO_SERVER=" + on)).as(on)
				.isEqualTo("in AUTO_SERVER mode (AUTO_SERVER=" + on.toUpperCase(java.util.Locale.ROOT) + " in the URL)");
		}
		for (String off : new String[] { "0", "no", "false", "n", "f", "OFF" }) {
			assertThat(Cli.h2ModeWithoutRunLock("jdbc:h2:file:./x;AUTO_SERVER=" + off)).as(off).isNull();
		}
	}

	@Test
	void aPasswordWrittenIntoTheUrlIsNeverShown() {
		// the driver takes no user:password@host; the message must not print the password it was given
		DatabaseTarget target = new DatabaseTarget("jdbc:postgresql://postgres:Sekr3tPW@127.0.0.1:5499/x", null, null);
		assertThat(target.shown()).isEqualTo("jdbc:postgresql://<credentials>@127.0.0.1:5499/x");
		assertThat(target.malformed()).doesNotContain("Sekr3tPW").contains("is not one keyshift can use");
		assertThat(new DatabaseTarget("jdbc:postgresql://db:5432/x?password=Sekr3tPW", null, null).shown())
			.isEqualTo("jdbc:postgresql://db:5432/x");
	}

	@Test
	void aPortThatIsNoNumberIsAMalformedUrlAndSeveralHostsAreFine() {
		assertThat(new DatabaseTarget("jdbc:postgresql://127.0.0.1:abc/x?password=Sekr3tPW", null, null).malformed())
			.isEqualTo("the database URL 'jdbc:postgresql://127.0.0.1:abc/x' is not one keyshift can use: fix"
					+ " SPRING_DATASOURCE_URL (--spring.datasource.url) (PostgreSQL's is jdbc:postgresql://HOST:5432/DATABASE,"
					+ " the embedded database's jdbc:h2:file:./data/keyshift)");
		for (String fine : new String[] { "jdbc:postgresql://db:5432/x", "jdbc:postgresql://db/x",
				"jdbc:postgresql://h1:5432,h2:5433/x?targetServerType=primary", "jdbc:postgresql://[::1]:5432/x",
				"jdbc:postgresql:x", "jdbc:postgresql://db:5432" }) {
			assertThat(new DatabaseTarget(fine, null, null).malformed()).as(fine).isNull();
		}
	}
}
