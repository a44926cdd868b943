package io.keyshift.input;

import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the typed fields of a row, each failure a {@link RowProblem} that names the column. Every
 * field obeys {@link Characters}; free text has a length limit (the widths of the columns it is
 * stored in), so no value that passes here can be refused by the database.
 */
final class Fields {

	/** The limits of the README's Input table, in characters (UTF-16 code units: an emoji counts 2). */
	static final int ACCOUNT_NAME_MAX = 1000;

	static final int EMAIL_MAX = 320;

	static final int ENDPOINT_MAX = 2000;

	static final int CLIENT_MAX = 1000;

	/** A legacy key shorter than this is no key a product would issue (and its hint would be most of it). */
	static final int API_KEY_MIN = 16;

	static final int API_KEY_MAX = 1000;

	/** Years both databases store the same way. */
	private static final int FIRST_YEAR = 1;

	private static final int LAST_YEAR = 9999;

	private static final Pattern EMAIL = Pattern.compile("[^@\\s,;:<>\"()\\[\\]]+@[^@\\s,;:<>\"()\\[\\]]+\\.[A-Za-z0-9-]{2,}");

	private final Header header;

	private final String[] values;

	Fields(Header header, CsvRow row) throws RowProblem {
		if (row.fields().length != header.width()) {
			throw new RowProblem("wrong column count",
					"expected " + header.width() + " fields, found " + row.fields().length);
		}
		this.header = header;
		this.values = row.fields();
	}

	/** The cells of a row known to be of the header's width. */
	Fields(Header header, String[] values) {
		this.header = header;
		this.values = values;
	}

	/** Whether a cell of the legacy key file reads as its column's type; the key never does. */
	boolean valid(String column) {
		try {
			switch (column) {
				case "key_id", "user_id" -> id(column);
				case "email" -> email(column);
				case "created_at", "last_used_at" -> optionalTimestamp(column);
				default -> {
					return false;
				}
			}
			return true;
		}
		catch (RowProblem ex) {
			return false;
		}
	}

	/** The field without surrounding blanks, checked against {@link Characters}. */
	String text(String column) throws RowProblem {
		String value = values[header.indexOf(column)].strip();
		String forbidden = Characters.forbidden(value, column.equals("account_name"));
		if (forbidden != null) {
			throw new RowProblem("forbidden character in " + column, column + " holds " + forbidden
					+ ", which no field may hold");
		}
		return value;
	}

	/** Free text of at most {@code max} characters; may be empty. */
	String text(String column, int max) throws RowProblem {
		String value = text(column);
		if (value.length() > max) {
			throw tooLong(column, value, max, true);
		}
		return value;
	}

	String required(String column) throws RowProblem {
		return nonEmpty(column, text(column));
	}

	private static String nonEmpty(String column, String value) throws RowProblem {
		if (value.isEmpty()) {
			throw new RowProblem("empty " + column, column + " is empty");
		}
		return value;
	}

	/** Free text of 1 to {@code max} characters. */
	String required(String column, int max) throws RowProblem {
		return nonEmpty(column, text(column, max));
	}

	/**
	 * The legacy key: {@value #API_KEY_MIN} to {@value #API_KEY_MAX} characters. Its reasons never
	 * quote it.
	 */
	String secret(String column) throws RowProblem {
		String value = required(column);
		if (value.length() < API_KEY_MIN) {
			throw new RowProblem("too short " + column, column + " is " + value.length()
					+ " characters long; a legacy key has at least " + API_KEY_MIN);
		}
		if (value.length() > API_KEY_MAX) {
			throw tooLong(column, value, API_KEY_MAX, false);
		}
		return value;
	}

	private RowProblem tooLong(String column, String value, int max, boolean quote) {
		return new RowProblem("too long " + column, String.format("%s is %,d characters long; the limit is %,d%s",
				column, value.length(), max, quote && header.file().secretColumn() == null ? " (" + shown(value) + ")" : ""));
	}

	long id(String column) throws RowProblem {
		String value = text(column);
		if (value.isEmpty()) {
			throw new RowProblem("empty " + column, column + " is empty");
		}
		Long id = parseId(value);
		if (id == null) {
			throw new RowProblem("invalid " + column,
					column + quoted(value) + " is not a positive 64-bit integer");
		}
		return id;
	}

	/** An id that may be empty (null). */
	Long optionalId(String column) throws RowProblem {
		return text(column).isEmpty() ? null : id(column);
	}

	long count(String column) throws RowProblem {
		String value = text(column);
		if (!digits(value)) {
			throw new RowProblem("invalid " + column,
					column + quoted(value) + " is not a non-negative integer");
		}
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			throw new RowProblem("invalid " + column, column + quoted(value) + " is too large");
		}
	}

	<E> E code(String column, Function<String, E> parser) throws RowProblem {
		String value = text(column);
		try {
			return parser.apply(value);
		}
		catch (IllegalArgumentException ex) {
			throw new RowProblem("unknown " + column, column + quoted(value) + " is not one of the allowed values");
		}
	}

	String email(String column) throws RowProblem {
		String value = required(column, EMAIL_MAX);
		String invisible = Characters.invisible(value);
		if (invisible != null) {
			throw new RowProblem("forbidden character in " + column,
					column + " holds " + invisible + ", which an e-mail address may not hold");
		}
		// stored lower-cased too (to find users sharing an e-mail), and lower case can be longer: "İ" is two
		int lowerLength = value.toLowerCase(Locale.ROOT).length();
		if (lowerLength > EMAIL_MAX) {
			throw new RowProblem("too long " + column, String.format(
					"%s is %,d characters long when lower-cased; the limit is %,d", column, lowerLength, EMAIL_MAX));
		}
		if (!EMAIL.matcher(value).matches()) {
			throw new RowProblem("invalid " + column, column + quoted(value) + " is not an email address");
		}
		return value;
	}

	OffsetDateTime timestamp(String column) throws RowProblem {
		String value = required(column);
		return parseTimestamp(column, value);
	}

	OffsetDateTime optionalTimestamp(String column) throws RowProblem {
		String value = text(column);
		return value.isEmpty() ? null : parseTimestamp(column, value);
	}

	/** An ISO-8601 timestamp with offset, as the same instant in UTC, in a year from 1 to 9999. */
	private OffsetDateTime parseTimestamp(String column, String value) throws RowProblem {
		OffsetDateTime parsed;
		try {
			parsed = OffsetDateTime.parse(value);
		}
		catch (DateTimeParseException ex) {
			throw new RowProblem("invalid " + column,
					column + quoted(value) + " is not an ISO-8601 timestamp with offset");
		}
		// ±18:00 offsets and years beyond 9999 are ISO-8601, but PostgreSQL refuses offsets past
		// ±15:59 and the databases store extreme years differently: the instant in UTC, years 1 to 9999
		OffsetDateTime utc;
		try {
			utc = parsed.withOffsetSameInstant(ZoneOffset.UTC);
		}
		catch (DateTimeException ex) {
			utc = null;
		}
		if (utc == null || utc.getYear() < FIRST_YEAR || utc.getYear() > LAST_YEAR) {
			throw new RowProblem("invalid " + column,
					column + quoted(value) + " is outside the years " + FIRST_YEAR + " to " + LAST_YEAR);
		}
		return utc;
	}

	/** One to 19 ASCII digits (what a {@code long} can hold at most), checked without a regex: hot in the load. */
	static boolean digits(String value) {
		int length = value.length();
		if (length == 0 || length > 19) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			char c = value.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return true;
	}

	static Long parseId(String value) {
		if (!digits(value)) {
			return null;
		}
		try {
			long id = Long.parseLong(value);
			return id > 0 ? id : null;
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * A value as quoted in a reason, after its column's name: {@code " 'value'"}. Nothing in the legacy key
	 * file: a piece of a key may sit in any of its columns, so its reasons name the column and the problem only.
	 */
	private String quoted(String value) {
		return header.file().secretColumn() != null ? "" : " " + shown(value);
	}

	/** A value as quoted in a reason: in quotes, bounded, so a reason stays one readable line. */
	private static String shown(String value) {
		String oneLine = value.replaceAll("[\\r\\n\\t]", " ");
		if (oneLine.length() <= 60) {
			return "'" + oneLine + "'";
		}
		int end = Character.isHighSurrogate(oneLine.charAt(56)) ? 56 : 57; // never half a character
		return "'" + oneLine.substring(0, end) + "...'";
	}
}
