package io.keyshift.cli;

/**
 * One keyshift command. picocli has set its options (fields annotated with {@code @Option}) when
 * {@link #run} is called; nothing has started yet, no Spring context, no database. A command checks
 * what it can without a database, then starts what it needs ({@link Cli#start}).
 *
 * <p>To add a command: a class annotated {@code @Command(name = "...")} implementing this
 * interface, listed in {@link KeyshiftCli}'s {@code subcommands}.
 */
public interface CliCommand {

	/**
	 * Runs the command; returns the process exit code ({@link ExitCodes}). A {@link UsageException}
	 * is printed as {@code keyshift: <message>. Try 'keyshift --help'.} and exits 2.
	 */
	int run(CommandContext context);

	/**
	 * The message when a required option is missing, e.g. {@code migrate needs --input DIR}; null
	 * for picocli's own wording.
	 */
	default String whenRequiredOptionMissing() {
		return null;
	}
}
