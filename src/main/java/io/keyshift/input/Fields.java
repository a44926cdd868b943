package io.keyshift.input;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.function.Function;
import java.util.regex.Pattern;

/** Reads the typed fields of a row, each failure a {@link RowProblem} that names the column. */
final class Fields {

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

	String text(String column) {
		return values[header.indexOf(column)].strip();
	}

	String required(String column) throws RowProblem {
		String value = text(column);
		if (value.isEmpty()) {
			throw new RowProblem("empty " + column, column + " is empty");
		}
		return value;
	}

	long id(String column) throws RowProblem {
		String value = text(column);
		if (value.isEmpty()) {
			throw new RowProblem("empty " + column, column + " is empty");
		}
		Long id = parseId(value);
		if (id == null) {
			throw new RowProblem("invalid " + column,
					column + " '" + shown(value) + "' is not a positive 64-bit integer");
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
					column + " '" + shown(value) + "' is not a non-negative integer");
		}
		try {
			return Long.parseLong(value);
		}
		catch (NumberFormatException ex) {
			throw new RowProblem("invalid " + column, column + " '" + shown(value) + "' is too large");
		}
	}

	<E> E code(String column, Function<String, E> parser) throws RowProblem {
		String value = text(column);
		try {
			return parser.apply(value);
		}
		catch (IllegalArgumentException ex) {
			throw new RowProblem("unknown " + column, column + " '" + shown(value) + "' is not one of the allowed values");
		}
	}

	String email(String column) throws RowProblem {
		String value = required(column);
		if (value.length() > 320 || !EMAIL.matcher(value).matches()) {
			throw new RowProblem("invalid " + column, column + " '" + shown(value) + "' is not an email address");
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

	private static OffsetDateTime parseTimestamp(String column, String value) throws RowProblem {
		try {
			return OffsetDateTime.parse(value);
		}
		catch (DateTimeParseException ex) {
			throw new RowProblem("invalid " + column,
					column + " '" + shown(value) + "' is not an ISO-8601 timestamp with offset");
		}
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

	/** A value as quoted in a reason: bounded, so a reason stays one readable line. */
	private static String shown(String value) {
		String oneLine = value.replaceAll("[\\r\\n\\t]", " ");
		return oneLine.length() > 60 ? oneLine.substring(0, 57) + "..." : oneLine;
	}
}
