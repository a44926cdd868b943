package io.keyshift.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What a command runs with: where results ({@code out}) and problems ({@code err}) go, the Spring
 * Boot settings given on the command line ({@code --spring.*}, {@code --keyshift.*},
 * {@code --logging.*}, passed through untouched), and the environment.
 */
public record CommandContext(PrintStream out, PrintStream err, List<String> springArgs,
		Function<String, String> environment) {

	public CommandContext {
		springArgs = List.copyOf(springArgs);
	}

	/** The value of an environment variable, or null when it is not set or blank. */
	public String env(String name) {
		String value = environment.apply(name);
		return value == null || value.isBlank() ? null : value;
	}

	/** The Spring arguments plus the given settings (e.g. {@code --keyshift.threads=2}). */
	public List<String> springArgsWith(List<String> settings) {
		List<String> all = new ArrayList<>(springArgs);
		all.addAll(settings);
		return all;
	}
}
