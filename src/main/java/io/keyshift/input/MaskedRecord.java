package io.keyshift.input;

/**
 * Spells a row back as one CSV line for {@code rejects.csv}, with secrets masked. In the legacy key
 * file a row is shown only where a cell is valid for its column (an id, an e-mail, a timestamp): the
 * {@code api_key} and every other cell are masked, as an unquoted comma plus a missing field can move
 * a piece of the key into any column without changing the row's width; when a row has the wrong number of fields nobody can
 * say which field is the key, or which pieces of it an unquoted comma made, and a piece may look
 * like anything (digits, a timestamp): so every field of such a row is masked. The line is made
 * storable on both databases: NUL spelled as the six characters {@code \\u0000}, and cut to {@value #MAX_LENGTH}
 * characters with a marker saying how long it was.
 */
public final class MaskedRecord {

	static final String MASK = "[redacted]";

	/** The width of {@code input_reject.record}. */
	static final int MAX_LENGTH = 100_000;

	private MaskedRecord() {
	}

	public static String of(InputFile file, Header header, String[] fields) {
		String secretColumn = file.secretColumn();
		String[] shown = fields.clone();
		if (secretColumn != null) {
			if (header != null && fields.length == header.width()) {
				Fields cells = new Fields(header, fields);
				for (String column : file.columns()) {
					int i = header.indexOf(column);
					if (!shown[i].isEmpty() && (column.equals(secretColumn) || !cells.valid(column))) {
						shown[i] = MASK;
					}
				}
			}
			else {
				java.util.Arrays.fill(shown, MASK);
			}
		}
		return storable(line(shown));
	}

	/** The record with NUL spelled out (PostgreSQL stores no NUL), at most {@value #MAX_LENGTH} characters. */
	static String storable(String record) {
		String text = record.indexOf('\0') >= 0 ? record.replace("\0", "\\u0000") : record;
		if (text.length() <= MAX_LENGTH) {
			return text;
		}
		String marker = String.format(" [truncated: %,d characters in all]", text.length());
		int end = MAX_LENGTH - marker.length();
		if (Character.isHighSurrogate(text.charAt(end - 1))) {
			end--; // never half a character
		}
		return text.substring(0, end) + marker;
	}

	/** RFC 4180 spelling of fields: quoted where they hold a comma, quote or line break. */
	public static String line(String... fields) {
		StringBuilder out = new StringBuilder();
		for (int i = 0; i < fields.length; i++) {
			if (i > 0) {
				out.append(',');
			}
			String f = fields[i] == null ? "" : fields[i];
			if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0) {
				out.append('"').append(f.replace("\"", "\"\"")).append('"');
			}
			else {
				out.append(f);
			}
		}
		return out.toString();
	}
}
