package io.keyshift.input;

import java.util.regex.Pattern;

/**
 * Spells a row back as one CSV line for {@code rejects.csv}, with secrets masked. In the legacy key
 * file the {@code api_key} column is masked; when a row has the wrong number of fields nobody can
 * say which field is the key, so every field that is not plainly an id, a timestamp or an email is
 * masked.
 */
public final class MaskedRecord {

	static final String MASK = "[redacted]";

	private static final Pattern HARMLESS = Pattern
		.compile("[0-9]{0,19}|[0-9T:.+\\-Z]{10,35}|[^@\\s,]+@[^@\\s,]+\\.[A-Za-z]{2,}");

	private MaskedRecord() {
	}

	public static String of(InputFile file, Header header, String[] fields) {
		String secretColumn = file.secretColumn();
		String[] shown = fields.clone();
		if (secretColumn != null) {
			if (header != null && fields.length == header.width()) {
				int i = header.indexOf(secretColumn);
				shown[i] = shown[i].isEmpty() ? "" : MASK;
			}
			else {
				for (int i = 0; i < shown.length; i++) {
					if (!HARMLESS.matcher(shown[i].strip()).matches()) {
						shown[i] = MASK;
					}
				}
			}
		}
		return line(shown);
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
