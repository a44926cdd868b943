package io.keyshift.cli;

import picocli.CommandLine.Command;

/** {@code keyshift version}: the same as {@code keyshift --version}. */
@Command(name = "version", mixinStandardHelpOptions = true, versionProvider = KeyshiftCli.Version.class, description = "Prints the version of keyshift.")
final class VersionCli implements CliCommand {

	@Override
	public int run(CommandContext context) {
		context.out().println("keyshift " + Cli.version());
		return ExitCodes.OK;
	}
}
