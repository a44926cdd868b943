package io.keyshift.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code keyshift}: the top-level command, and the one place where its commands are registered.
 * To add a command, write a class annotated {@code @Command(name = "...")} implementing
 * {@link CliCommand} and add it to {@code subcommands} below (and a line to
 * {@code customSynopsis}, which {@code keyshift --help} prints first). Give it
 * {@code mixinStandardHelpOptions = true} and {@code versionProvider = KeyshiftCli.Version.class}
 * for its own {@code -h}/{@code --help} and {@code -V}/{@code --version}.
 */
@Command(name = "keyshift", mixinStandardHelpOptions = true, usageHelpWidth = 100,
		versionProvider = KeyshiftCli.Version.class, sortOptions = false,
		subcommands = { MigrateCli.class, WorkerCli.class, DeliverCli.class, ServeCli.class, GenerateCli.class, StatusCli.class, VerifyCli.class,
				VersionCli.class, HelpCommand.class },
		synopsisHeading = "",
		customSynopsis = {
				"Usage: keyshift migrate --input DIR [--dry-run] [--report-dir DIR]",
				"                        [--revoke-legacy-keys] [--delivery-key-file FILE]",
				"                        [--threads N] [--accept-unattributed-rows]",
				"                        [--max-revocations N] [--max-rate N] [--pause-file FILE]",
				"                        [--remote]",
				"       keyshift worker --delivery-key-file FILE",
				"       keyshift deliver [--dry-run] [--now] [--retry-undeliverable] [--delivery-key-file FILE]",
				"                        [--mode link|token] [--reissue USER_ID... [--waive-key-check]]",
				"                        [--reissue-expired]",
				"       keyshift serve [--port N] [--delivery-key-file FILE]",
				"       keyshift generate --users N [--seed S] --out DIR [--force]",
				"       keyshift status [--json]",
				"       keyshift verify [--input DIR]",
				"       keyshift --help | --version | COMMAND --help",
				"" },
		description = { "Migrates legacy user API keys to account-scoped personal access tokens (PATs),"
				+ " then e-mails each user their new tokens." },
		optionListHeading = "%nOptions:%n", commandListHeading = "%nCommands:%n",
		footerHeading = "%n",
		footer = { "Database: Spring Boot's settings (SPRING_DATASOURCE_URL, SPRING_DATASOURCE_USERNAME,"
				+ " SPRING_DATASOURCE_PASSWORD, or --spring.datasource.url=...). With none, an embedded H2 database"
				+ " under ./data is used: run deliver in the directory migrate ran in.", "",
				"Mail (deliver): SPRING_MAIL_HOST, SPRING_MAIL_PORT, SPRING_MAIL_USERNAME, SPRING_MAIL_PASSWORD,"
						+ " --spring.mail.properties.mail.smtp.starttls.enable=true, and the From address"
						+ " KEYSHIFT_MAIL_FROM (or --keyshift.mail.from=...).", "",
				"Any --spring.*, --keyshift.* or --logging.* argument is a Spring Boot setting, passed through.", "",
				"Exit codes: 0 completed (or already completed: nothing to do);",
				"              deliver: nothing is left pending",
				"            1 failed or stopped: rerun the same command to resume;",
				"              deliver: some notifications are still pending: run deliver again",
				"            2 bad usage or unusable input: nothing was written (deliver: nothing sent)",
				"  worker: 0 stopped by SIGTERM; 1 database or broker lost; 2 no usable delivery key" })
public final class KeyshiftCli implements CliCommand {

	@Override
	public int run(CommandContext context) {
		throw new UsageException("no command given");
	}

	/**
	 * The command line of {@code keyshift} with all its commands. {@code @file} arguments are taken
	 * as they are (picocli would otherwise read arguments from the file); a value that looks like an
	 * option is taken as the value ({@code --input --dry-run} then says "--input needs a value").
	 */
	static CommandLine commandLine() {
		CommandLine commandLine = new CommandLine(new KeyshiftCli());
		commandLine.setExpandAtFiles(false);
		return commandLine;
	}

	/** {@code keyshift --version}: "keyshift" and the version the jar was built as. */
	static final class Version implements IVersionProvider {

		@Override
		public String[] getVersion() {
			return new String[] { "keyshift " + Cli.version() };
		}
	}
}
