package io.keyshift.cli;

import java.nio.file.Path;

/**
 * Checks option values as picocli hands them over (as text), with keyshift's own messages: an
 * option given with no value, or with the next option as its value, "needs a value"; a number
 * that is none "takes a whole number" (or "takes a number", where decimals are allowed).
 */
final class OptionValues {

	private OptionValues() {
	}

	/** The value as given, or null when the option is absent; never blank or another option. */
	static String text(String name, String value) {
		if (value == null) {
			return null;
		}
		if (value.isBlank() || value.startsWith("--")) {
			throw new UsageException(name + " needs a value");
		}
		return value;
	}

	static Path path(String name, String value) {
		String text = text(name, value);
		return text == null ? null : Path.of(text);
	}

	/** A whole number ({@code 1_000} reads as 1000), or null when the option is absent. */
	static Long number(String name, String value) {
		String text = text(name, value);
		if (text == null) {
			return null;
		}
		try {
			return Long.parseLong(text.replace("_", ""));
		}
		catch (NumberFormatException ex) {
			throw new UsageException(name + " takes a whole number, not '" + value + "'");
		}
	}

	/** A decimal number ({@code 0.5}, {@code 2_000}), or null when the option is absent. */
	static java.math.BigDecimal decimal(String name, String value) {
		String text = text(name, value);
		if (text == null) {
			return null;
		}
		try {
			return new java.math.BigDecimal(text.replace("_", ""));
		}
		catch (NumberFormatException ex) {
			throw new UsageException(name + " takes a number, not '" + value + "'");
		}
	}

	/** The key file given on the command line, else KEYSHIFT_DELIVERY_KEY_FILE, else none. */
	static Path deliveryKeyFile(String given, CommandContext context) {
		Path path = path("--delivery-key-file", given);
		if (path != null) {
			return path;
		}
		String fromEnvironment = context.env("KEYSHIFT_DELIVERY_KEY_FILE");
		return fromEnvironment == null ? null : Path.of(fromEnvironment);
	}
}
