package io.keyshift.cli;

import java.util.List;

import picocli.CommandLine;
import picocli.CommandLine.MaxValuesExceededException;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.OverwrittenOptionException;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * picocli's parse errors in keyshift's words (the ones the README lists): {@code unknown command
 * 'migrat'}, {@code unknown option '--fast'}, {@code unknown option '--input' for deliver} (when
 * another command has that option), {@code --input needs a value}, {@code migrate needs --input DIR},
 * {@code --dry-run takes no value}, {@code --input is given more than once}.
 */
final class UsageErrors {

	private UsageErrors() {
	}

	/** The problem, without the leading {@code keyshift: } and the closing hint. */
	static String message(ParameterException ex, List<String> args) {
		CommandSpec spec = ex.getCommandLine().getCommandSpec();
		if (ex instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
			String arg = unmatched.getUnmatched().get(0);
			if (arg.startsWith("-")) {
				return "unknown option '" + arg + "'" + elsewhere(spec, arg);
			}
			return spec.parent() == null ? "unknown command '" + arg + "'"
					: "unexpected argument '" + arg + "' for " + spec.name();
		}
		if (ex instanceof MissingParameterException missing) {
			// picocli checks required options before it reports the arguments it did not know: an
			// unknown option is the first thing to fix (migrate --fast says so, not "needs --input")
			String unknown = unknownOption(spec, args);
			if (unknown != null) {
				return "unknown option '" + unknown + "'" + elsewhere(spec, unknown);
			}
			for (ArgSpec arg : missing.getMissing()) {
				if (arg instanceof OptionSpec option && given(option, args)) {
					return option.longestName() + " needs a value";
				}
			}
			if (spec.userObject() instanceof CliCommand command && command.whenRequiredOptionMissing() != null) {
				return command.whenRequiredOptionMissing();
			}
		}
		if (ex instanceof MaxValuesExceededException) {
			for (String arg : args) {
				int equals = arg.indexOf('=');
				OptionSpec option = equals > 0 ? spec.findOption(arg.substring(0, equals)) : null;
				if (option != null && option.arity().max() == 0) {
					return option.longestName() + " takes no value";
				}
			}
		}
		if (ex instanceof OverwrittenOptionException overwritten && overwritten.getOverwritten() instanceof OptionSpec option) {
			return option.longestName() + " is given more than once";
		}
		String message = ex.getMessage();
		return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
	}

	/** " for deliver" when another keyshift command takes this option, else nothing. */
	private static String elsewhere(CommandSpec spec, String arg) {
		if (spec.parent() == null) {
			return "";
		}
		String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
		for (CommandLine sibling : spec.parent().subcommands().values()) {
			if (sibling.getCommandSpec() != spec && sibling.getCommandSpec().findOption(name) != null) {
				return " for " + spec.name();
			}
		}
		return "";
	}

	/**
	 * The first argument after the command's name that looks like an option the command does not
	 * have, skipping the values of its options; null when there is none.
	 */
	static String unknownOption(CommandSpec spec, List<String> args) {
		int start = args.indexOf(spec.name());
		boolean value = false;
		for (String arg : args.subList(start + 1, args.size())) {
			if (value) {
				value = false;
				continue;
			}
			if (!arg.startsWith("-") || arg.equals("-")) {
				continue;
			}
			String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
			OptionSpec option = spec.findOption(name);
			if (option == null) {
				return arg;
			}
			value = !arg.contains("=") && option.arity().max() > 0;
		}
		return null;
	}

	/** Whether the option itself is on the command line (then it lacks its value). */
	private static boolean given(OptionSpec option, List<String> args) {
		for (String arg : args) {
			for (String name : option.names()) {
				if (arg.equals(name) || arg.startsWith(name + "=")) {
					return true;
				}
			}
		}
		return false;
	}
}
