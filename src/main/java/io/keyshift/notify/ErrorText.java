package io.keyshift.notify;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * Turns a failure into a one-line description safe to log and to store in {@code last_error}:
 * exception types and messages along the cause chain, with every token-shaped string and every
 * given secret replaced by {@code [redacted]}, at most 1000 characters.
 */
final class ErrorText {

	private static final Pattern TOKEN_SHAPED = Pattern.compile("dbtu_[0-9A-Za-z]*");

	private static final int MAX = 1000;

	private ErrorText() {
	}

	static String describe(Throwable failure, Collection<String> secrets) {
		StringBuilder text = new StringBuilder();
		Throwable t = failure;
		for (int depth = 0; t != null && depth < 5; depth++, t = t.getCause() == t ? null : t.getCause()) {
			if (text.length() > 0) {
				text.append("; caused by ");
			}
			text.append(t.getClass().getSimpleName());
			if (t.getMessage() != null) {
				text.append(": ").append(t.getMessage());
			}
		}
		return scrub(text.toString(), secrets);
	}

	static String scrub(String text, Collection<String> secrets) {
		String out = text;
		for (String secret : secrets) {
			if (secret != null && !secret.isEmpty()) {
				out = out.replace(secret, "[redacted]");
			}
		}
		out = TOKEN_SHAPED.matcher(out).replaceAll("[redacted]").replaceAll("[\\r\\n\\t]+", " ").strip();
		return out.length() > MAX ? out.substring(0, MAX - 1) + "…" : out;
	}
}
