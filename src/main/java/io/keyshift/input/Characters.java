package io.keyshift.input;

/**
 * The character rule every field of an export obeys (README, Input): no NUL and no other control
 * character (in {@code account_name} a tab or line break is allowed: quoted names may hold them),
 * no line or paragraph separator, and no bidirectional embedding, override or isolate control,
 * which would make a report show something else than it holds. PostgreSQL cannot store NUL at all;
 * the rest is refused the same way on both databases, so H2 and PostgreSQL agree on every row.
 */
final class Characters {

	private Characters() {
	}

	/**
	 * What is wrong with the first character the rule forbids, e.g. {@code "NUL (U+0000)"}, or null
	 * when every character is allowed. Never quotes the value.
	 */
	static String forbidden(String value, boolean lineBreaksAllowed) {
		for (int i = 0, n = value.length(); i < n; i++) {
			char c = value.charAt(i);
			if (c >= 0x20 && c < 0x7F) {
				continue; // printable ASCII: the hot path
			}
			if (c == 0) {
				return "NUL (U+0000)";
			}
			if (c < 0x20 || (c >= 0x7F && c <= 0x9F)) {
				if (lineBreaksAllowed && (c == '\n' || c == '\r' || c == '\t')) {
					continue;
				}
				return "a control character (" + codePoint(c) + ")";
			}
			if (c == 0x2028 || c == 0x2029) {
				return "a line or paragraph separator (" + codePoint(c) + ")";
			}
			if ((c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
				return "a bidirectional control (" + codePoint(c) + ")";
			}
		}
		return null;
	}

	/** The first invisible formatting character (Unicode category Cf, e.g. U+200B), or null: none in an e-mail. */
	static String invisible(String value) {
		for (int i = 0, n = value.length(); i < n; i++) {
			char c = value.charAt(i);
			if (c >= 0x80 && Character.getType(value.codePointAt(i)) == Character.FORMAT) {
				return "an invisible formatting character (" + codePoint(value.codePointAt(i)) + ")";
			}
		}
		return null;
	}

	static String codePoint(int c) {
		return String.format("U+%04X", c);
	}
}
