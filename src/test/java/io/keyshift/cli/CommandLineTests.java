package io.keyshift.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the command line is read (picocli, {@link KeyshiftCli}): the cases of the former
 * {@code ArgumentsTests}, with the same messages, and what picocli adds (per-command help).
 */
class CommandLineTests {

	private static final Function<String, String> NO_ENVIRONMENT = name -> null;

	private static Cli.Parsed parse(String... args) {
		return Cli.parse(NO_ENVIRONMENT, args);
	}

	private static Cli.Parsed parse(Map<String, String> environment, String... args) {
		return Cli.parse(environment::get, args);
	}

	private static MigrateCommand migrate(Cli.Parsed parsed) {
		return ((MigrateCli) parsed.command()).command(parsed.context());
	}

	@Test
	void readsEveryMigrateOption() {
		Cli.Parsed m = parse("migrate", "--input", "in", "--dry-run", "--report-dir=out", "--revoke-legacy-keys",
				"--delivery-key-file", "k.key", "--spring.datasource.url=jdbc:postgresql://db/keyshift");
		assertThat(migrate(m)).isEqualTo(new MigrateCommand(Path.of("in"), true, Path.of("out"), true, Path.of("k.key")));
		assertThat(m.context().springArgs()).containsExactly("--spring.datasource.url=jdbc:postgresql://db/keyshift");
		assertThat(migrate(parse("migrate", "--input", "in", "--accept-unattributed-rows")).acceptUnattributedRows())
			.isTrue();
	}

	@Test
	void takesTheDeliveryKeyFileFromTheEnvironmentWhenNotGiven() {
		Cli.Parsed m = parse(Map.of("KEYSHIFT_DELIVERY_KEY_FILE", "/k"), "migrate", "--input", "in");
		assertThat(migrate(m).deliveryKeyFile()).isEqualTo(Path.of("/k"));
		assertThat(migrate(parse(Map.of("KEYSHIFT_DELIVERY_KEY_FILE", " "), "migrate", "--input", "in"))
			.deliveryKeyFile()).isNull();
	}

	@Test
	void threadsBecomeASettingNotPartOfTheRun() {
		Cli.Parsed m = parse("migrate", "--input", "in", "--threads", "2");
		assertThat(((MigrateCli) m.command()).settings()).containsExactly("--keyshift.threads=2");
		assertThat(migrate(m)).isEqualTo(new MigrateCommand(Path.of("in"), false, null, false, null));
		assertThatThrownBy(() -> ((MigrateCli) parse("migrate", "--input", "in", "--threads=0").command()).settings())
			.isInstanceOf(UsageException.class).hasMessageContaining("--threads takes a number from 1 to 256");
		assertThatThrownBy(() -> ((MigrateCli) parse("migrate", "--input", "in", "--threads", "x").command()).settings())
			.isInstanceOf(UsageException.class).hasMessage("--threads takes a whole number, not 'x'");
		assertThat(((MigrateCli) parse("migrate", "--input", "in", "--max-revocations", "15").command()).settings())
			.containsExactly("--keyshift.max-revocations=15");
	}

	@Test
	void maxRateAndPauseFileBecomeSettingsNotPartOfTheRun() {
		Cli.Parsed m = parse("migrate", "--input", "in", "--max-rate", "2000", "--pause-file=keyshift.pause");
		assertThat(((MigrateCli) m.command()).settings()).containsExactly("--keyshift.max-rate=2000",
				"--keyshift.pause-file=" + Path.of("keyshift.pause").toAbsolutePath());
		assertThat(migrate(m)).isEqualTo(new MigrateCommand(Path.of("in"), false, null, false, null));
		assertThat(((MigrateCli) parse("migrate", "--input", "in", "--max-rate=0").command()).settings())
			.containsExactly("--keyshift.max-rate=0");
		assertThatThrownBy(() -> ((MigrateCli) parse("migrate", "--input", "in", "--max-rate", "-5").command()).settings())
			.isInstanceOf(UsageException.class)
			.hasMessage("--max-rate takes a number of users per second, 0 (no limit) or more, not '-5'");
		for (String tiny : List.of("1e-400", "0.00000001", "0.009")) {
			assertThatThrownBy(() -> ((MigrateCli) parse("migrate", "--input", "in", "--max-rate", tiny).command()).settings())
				.isInstanceOf(UsageException.class)
				.hasMessage("--max-rate takes at least 0.01 users per second (one user every 100 s), or 0 for no limit,"
						+ " not '" + tiny + "'");
		}
		assertThat(((MigrateCli) parse("migrate", "--input", "in", "--max-rate=0.01").command()).settings())
			.containsExactly("--keyshift.max-rate=0.01");
		// remote workers would not honour them: refused, not ignored
		assertThatThrownBy(() -> ((MigrateCli) parse("migrate", "--input", "in", "--remote", "--max-rate", "50").command())
			.settings()).isInstanceOf(UsageException.class)
			.hasMessage("--max-rate and --pause-file work on local runs only, not with --remote");
		assertThatThrownBy(() -> ((MigrateCli) parse("migrate", "--input", "in", "--remote", "--pause-file", "p").command())
			.settings()).isInstanceOf(UsageException.class);
		assertThat(((MigrateCli) parse("migrate", "--input", "in", "--remote").command()).settings())
			.containsExactly("--keyshift.remote.role=manager");
		assertThatThrownBy(() -> ((MigrateCli) parse("migrate", "--input", "in", "--max-rate", "fast").command()).settings())
			.isInstanceOf(UsageException.class).hasMessage("--max-rate takes a number, not 'fast'");
		// users per second need not be whole: 0.5 is one user every 2 s
		assertThat(((MigrateCli) parse("migrate", "--input", "in", "--max-rate", "0.5").command()).settings())
			.containsExactly("--keyshift.max-rate=0.5");
		assertThat(((MigrateCli) parse("migrate", "--input", "in", "--max-rate", "1.50").command()).settings())
			.containsExactly("--keyshift.max-rate=1.5");
		assertThat(((MigrateCli) parse("migrate", "--input", "in", "--max-rate", "2_000").command()).settings())
			.containsExactly("--keyshift.max-rate=2000");
		assertThatThrownBy(() -> ((MigrateCli) parse("migrate", "--input", "in", "--max-rate", "-0.5").command())
			.settings()).isInstanceOf(UsageException.class)
			.hasMessage("--max-rate takes a number of users per second, 0 (no limit) or more, not '-0.5'");
	}

	@Test
	void anUnknownOptionIsToldBeforeAMissingRequiredOne() {
		assertThatThrownBy(() -> parse("migrate", "--fast")).isInstanceOf(UsageException.class)
			.hasMessage("unknown option '--fast'");
		assertThatThrownBy(() -> parse("migrate", "--dry-run", "--report-dir", "-r", "--fast=1"))
			.isInstanceOf(UsageException.class).hasMessage("unknown option '--fast=1'");
		// another command's option, as when --input is given
		assertThatThrownBy(() -> parse("migrate", "--now")).isInstanceOf(UsageException.class)
			.hasMessage("unknown option '--now' for migrate");
		// only known options: the missing one is the problem
		assertThatThrownBy(() -> parse("migrate", "--dry-run", "--report-dir", "--fast"))
			.isInstanceOf(UsageException.class).hasMessage("migrate needs --input DIR");
	}

	@Test
	void helpWinsOverEverythingElse() {
		assertThat(parse("migrate", "--bogus", "--help").result().subcommand().isUsageHelpRequested()).isTrue();
	}

	@Test
	void rejectsUnknownOptionsCommandsAndMissingValues() {
		assertThatThrownBy(() -> parse("migrate", "--input", "in", "--fast")).isInstanceOf(UsageException.class)
			.hasMessage("unknown option '--fast'");
		assertThatThrownBy(() -> parse("migrat")).isInstanceOf(UsageException.class)
			.hasMessage("unknown command 'migrat'");
		assertThatThrownBy(() -> parse("migrate", "--input")).isInstanceOf(UsageException.class)
			.hasMessage("--input needs a value");
		assertThatThrownBy(() -> parse("migrate")).isInstanceOf(UsageException.class)
			.hasMessage("migrate needs --input DIR");
		assertThatThrownBy(() -> parse().command().run(parse().context())).isInstanceOf(UsageException.class)
			.hasMessage("no command given");
	}

	@Test
	void anOptionFollowedByAnotherOptionOrNothingNeedsAValue() {
		assertThatThrownBy(() -> parse("migrate", "--input", "--dry-run")).isInstanceOf(UsageException.class)
			.hasMessage("--input needs a value");
		assertThatThrownBy(() -> migrate(parse("migrate", "--input", "--fast"))).isInstanceOf(UsageException.class)
			.hasMessage("--input needs a value");
		assertThatThrownBy(() -> migrate(parse("migrate", "--input="))).isInstanceOf(UsageException.class)
			.hasMessage("--input needs a value");
		assertThatThrownBy(() -> parse("migrate", "--input", "a", "--input", "b")).isInstanceOf(UsageException.class)
			.hasMessage("--input is given more than once");
		assertThatThrownBy(() -> parse("migrate", "--input", "a", "extra")).isInstanceOf(UsageException.class)
			.hasMessage("unexpected argument 'extra' for migrate");
	}

	@Test
	void readsTheDeliverOptionsAndPassesSpringSettingsThrough() {
		Cli.Parsed d = parse("deliver", "--dry-run", "--delivery-key-file=k.key", "--spring.mail.host=smtp.example.com",
				"--keyshift.mail.from=it@example.com");
		assertThat(((DeliverCli) d.command()).dryRun).isTrue();
		assertThat(((DeliverCli) d.command()).deliveryKeyFile(d.context())).isEqualTo(Path.of("k.key"));
		assertThat(d.context().springArgs())
			.isEqualTo(List.of("--spring.mail.host=smtp.example.com", "--keyshift.mail.from=it@example.com"));
		Cli.Parsed given = parse(Map.of("KEYSHIFT_DELIVERY_KEY_FILE", "/env.key"), "deliver", "--delivery-key-file",
				"k.key");
		assertThat(((DeliverCli) given.command()).deliveryKeyFile(given.context())).isEqualTo(Path.of("k.key"));
		assertThat(((DeliverCli) given.command()).dryRun).isFalse();
		assertThat(given.context().springArgs()).isEmpty();
		Cli.Parsed env = parse(Map.of("KEYSHIFT_DELIVERY_KEY_FILE", "/env.key"), "deliver");
		assertThat(((DeliverCli) env.command()).deliveryKeyFile(env.context())).isEqualTo(Path.of("/env.key"));
		Cli.Parsed both = parse("deliver", "--dry-run", "--now");
		assertThatThrownBy(() -> ((DeliverCli) both.command()).deliveryKeyFile(both.context()))
			.isInstanceOf(UsageException.class)
			.hasMessage("--now sends at once and --dry-run sends nothing: give one of them");
	}

	@Test
	void retryUndeliverableIsADeliverFlagThatADryRunCannotTake() {
		Cli.Parsed retry = parse("deliver", "--retry-undeliverable", "--delivery-key-file", "k.key");
		assertThat(((DeliverCli) retry.command()).retryUndeliverable).isTrue();
		assertThat(((DeliverCli) retry.command()).deliveryKeyFile(retry.context())).isEqualTo(Path.of("k.key"));
		Cli.Parsed plain = parse("deliver", "--delivery-key-file", "k.key");
		assertThat(((DeliverCli) plain.command()).retryUndeliverable).isFalse();
		Cli.Parsed both = parse("deliver", "--dry-run", "--retry-undeliverable");
		assertThatThrownBy(() -> ((DeliverCli) both.command()).deliveryKeyFile(both.context()))
			.isInstanceOf(UsageException.class)
			.hasMessage("--retry-undeliverable sends and --dry-run sends nothing: give one of them");
		assertThatThrownBy(() -> parse("migrate", "--input", "in", "--retry-undeliverable"))
			.isInstanceOf(UsageException.class);
	}

	@Test
	void deliverTakesNoMigrateOption() {
		assertThatThrownBy(() -> parse("deliver", "--input", "in")).isInstanceOf(UsageException.class)
			.hasMessage("unknown option '--input' for deliver");
		assertThatThrownBy(() -> parse("deliver", "--delivery-key-file")).isInstanceOf(UsageException.class)
			.hasMessage("--delivery-key-file needs a value");
		assertThatThrownBy(() -> parse("deliver", "--dry-run=yes")).isInstanceOf(UsageException.class)
			.hasMessage("--dry-run takes no value");
		assertThatThrownBy(() -> parse("deliver", "--dry-run=true")).isInstanceOf(UsageException.class)
			.hasMessage("--dry-run takes no value");
	}

	@Test
	void generateNeedsUsersAndOut() {
		GenerateCli g = (GenerateCli) parse("generate", "--users", "1_000", "--out", "x").command();
		assertThat(g.request()).isEqualTo(new GenerateCli.Request(1000, 1, Path.of("x"), false));
		assertThatThrownBy(() -> parse("generate", "--users", "5")).isInstanceOf(UsageException.class)
			.hasMessage("generate needs --users N (at least 1) and --out DIR");
		assertThatThrownBy(() -> ((GenerateCli) parse("generate", "--users", "0", "--out", "x").command()).request())
			.isInstanceOf(UsageException.class).hasMessage("generate needs --users N (at least 1) and --out DIR");
		assertThatThrownBy(() -> ((GenerateCli) parse("generate", "--users", "x", "--out", "d").command()).request())
			.isInstanceOf(UsageException.class).hasMessage("--users takes a whole number, not 'x'");
	}

	@Test
	void everyCommandHasItsOwnGeneratedHelp() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		ByteArrayOutputStream err = new ByteArrayOutputStream();
		PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
		PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
		assertThat(Cli.run(new String[] { "migrate", "--help" }, o, e, NO_ENVIRONMENT)).isZero();
		assertThat(out.toString()).startsWith("Usage: keyshift migrate")
			.contains("--input=DIR", "--accept-unattributed-rows", "5% of the ACTIVE tokens");
		out.reset();
		assertThat(Cli.run(new String[] { "help", "deliver" }, o, e, NO_ENVIRONMENT)).isZero();
		assertThat(out.toString()).startsWith("Usage: keyshift deliver").contains("--now", "SPRING_MAIL_HOST");
		out.reset();
		assertThat(Cli.run(new String[] { "version" }, o, e, NO_ENVIRONMENT)).isZero();
		assertThat(out.toString()).startsWith("keyshift ");
		assertThat(err.toString()).isEmpty();
	}
}
