package io.keyshift.report;

/**
 * Text with every invisible character spelled out, so that what a report, page or e-mail shows is
 * what it holds: control characters (tab and line breaks aside), bidirectional marks, embeddings,
 * overrides and isolates, zero-width and other formatting characters, and line and paragraph
 * separators become escapes such as {@code \\u202E} (an RLO in an account name would otherwise show
 * {@code gnp.exe} as {@code exe.png}). Zero-width joiners and non-joiners stay: emoji and many
 * scripts need them to be spelled right. Cheap for ordinary text: one scan, no copy.
 */
public final class VisibleText {

	private VisibleText() {
	}

	/** The text with invisible characters escaped; {@code null} stays {@code null}. */
	public static String of(String text) {
		if (text == null) {
			return null;
		}
		int first = firstInvisible(text);
		if (first < 0) {
			return text;
		}
		StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, first);
		for (int i = first; i < text.length();) {
			int c = text.codePointAt(i);
			if (invisible(c)) {
				out.append(c > 0xFFFF ? String.format("\\U%08X", c) : String.format("\\u%04X", c));
			}
			else {
				out.appendCodePoint(c);
			}
			i += Character.charCount(c);
		}
		return out.toString();
	}

	private static int firstInvisible(String text) {
		for (int i = 0, n = text.length(); i < n; i++) {
			char c = text.charAt(i);
			if (c >= 0x20 && c < 0x7F) {
				continue; // printable ASCII: the hot path
			}
			if (invisible(text.codePointAt(i))) {
				return i;
			}
		}
		return -1;
	}

	static boolean invisible(int c) {
		if (c == '\t' || c == '\n' || c == '\r' || c == 0x200C || c == 0x200D) {
			return false;
		}
		int type = Character.getType(c);
		return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
				|| type == Character.PARAGRAPH_SEPARATOR;
	}
}
