package io.keyshift.generate;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small, fast RFC 4180 writer: UTF-8, comma separated, CRLF line ends, a field quoted (its quotes
 * doubled) only when it holds a comma, a quote or a line break. Numbers and timestamps are formatted
 * straight into the byte buffer, so the hot loop of the generator allocates nothing.
 */
final class CsvOut implements Closeable {

	private static final int BUFFER = 1 << 16;

	private final OutputStream out;

	private final byte[] buf = new byte[BUFFER];

	private int pos;

	private boolean rowStarted;

	private CsvOut(OutputStream out) {
		this.out = out;
	}

	static CsvOut create(Path file) throws IOException {
		return new CsvOut(Files.newOutputStream(file));
	}

	/** Writes a whole row of text fields (the header). */
	void row(String... fields) throws IOException {
		for (String field : fields) {
			text(field);
		}
		endRow();
	}

	/** Starts a field: the caller then appends its content with the {@code raw} methods. */
	CsvOut field() throws IOException {
		ensure(1);
		if (this.rowStarted) {
			this.buf[this.pos++] = ',';
		}
		this.rowStarted = true;
		return this;
	}

	/** An empty field. */
	CsvOut empty() throws IOException {
		return field();
	}

	/** A text field, quoted only when RFC 4180 needs it. */
	CsvOut text(String value) throws IOException {
		field();
		boolean quote = needsQuotes(value);
		if (quote) {
			put('"');
		}
		for (int i = 0; i < value.length(); i++) {
			int c = value.charAt(i);
			if (c == '"') {
				put('"');
				put('"');
			}
			else if (c < 0x80) {
				put(c);
			}
			else {
				int cp = value.codePointAt(i);
				i += Character.charCount(cp) - 1;
				utf8(cp);
			}
		}
		if (quote) {
			put('"');
		}
		return this;
	}

	/** A field holding a non-negative number. */
	CsvOut number(long value) throws IOException {
		return field().raw(value);
	}

	/** A field holding an instant as ISO-8601 UTC ({@code 2026-11-09T12:00:00Z}). */
	CsvOut timestamp(long epochSecond) throws IOException {
		field();
		ensure(20);
		long days = Math.floorDiv(epochSecond, 86_400L);
		int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
		// civil-from-days (H. Hinnant), valid for the proleptic Gregorian calendar
		long z = days + 719_468;
		long era = Math.floorDiv(z, 146_097);
		long doe = z - era * 146_097;
		long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
		long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
		long mp = (5 * doy + 2) / 153;
		int day = (int) (doy - (153 * mp + 2) / 5 + 1);
		int month = (int) (mp < 10 ? mp + 3 : mp - 9);
		int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
		digits(year, 4);
		this.buf[this.pos++] = '-';
		digits(month, 2);
		this.buf[this.pos++] = '-';
		digits(day, 2);
		this.buf[this.pos++] = 'T';
		digits(secondOfDay / 3600, 2);
		this.buf[this.pos++] = ':';
		digits(secondOfDay / 60 % 60, 2);
		this.buf[this.pos++] = ':';
		digits(secondOfDay % 60, 2);
		this.buf[this.pos++] = 'Z';
		return this;
	}

	/** Appends ASCII text that needs no quoting (the caller guarantees it) to the current field. */
	CsvOut raw(String ascii) throws IOException {
		int length = ascii.length();
		ensure(length);
		for (int i = 0; i < length; i++) {
			this.buf[this.pos++] = (byte) ascii.charAt(i);
		}
		return this;
	}

	/** Appends ASCII characters that need no quoting to the current field. */
	CsvOut raw(byte[] ascii) throws IOException {
		ensure(ascii.length);
		System.arraycopy(ascii, 0, this.buf, this.pos, ascii.length);
		this.pos += ascii.length;
		return this;
	}

	/** Appends one ASCII character that needs no quoting to the current field. */
	CsvOut raw(char ascii) throws IOException {
		put(ascii);
		return this;
	}

	/** Appends a non-negative number to the current field. */
	CsvOut raw(long value) throws IOException {
		if (value < 0) {
			throw new IllegalArgumentException("negative: " + value);
		}
		ensure(20);
		int length = 1;
		for (long v = value / 10; v > 0; v /= 10) {
			length++;
		}
		int end = this.pos + length;
		long v = value;
		for (int i = end - 1; i >= this.pos; i--) {
			this.buf[i] = (byte) ('0' + (int) (v % 10));
			v /= 10;
		}
		this.pos = end;
		return this;
	}

	void endRow() throws IOException {
		ensure(2);
		this.buf[this.pos++] = '\r';
		this.buf[this.pos++] = '\n';
		this.rowStarted = false;
	}

	@Override
	public void close() throws IOException {
		try (this.out) {
			flush();
		}
	}

	private static boolean needsQuotes(String value) {
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if (c == ',' || c == '"' || c == '\r' || c == '\n') {
				return true;
			}
		}
		return false;
	}

	private void digits(int value, int width) {
		for (int i = this.pos + width - 1; i >= this.pos; i--) {
			this.buf[i] = (byte) ('0' + value % 10);
			value /= 10;
		}
		this.pos += width;
	}

	private void utf8(int cp) throws IOException {
		ensure(4);
		if (cp < 0x800) {
			this.buf[this.pos++] = (byte) (0xC0 | cp >> 6);
		}
		else if (cp < 0x10000) {
			this.buf[this.pos++] = (byte) (0xE0 | cp >> 12);
			this.buf[this.pos++] = (byte) (0x80 | cp >> 6 & 0x3F);
		}
		else {
			this.buf[this.pos++] = (byte) (0xF0 | cp >> 18);
			this.buf[this.pos++] = (byte) (0x80 | cp >> 12 & 0x3F);
			this.buf[this.pos++] = (byte) (0x80 | cp >> 6 & 0x3F);
		}
		this.buf[this.pos++] = (byte) (0x80 | cp & 0x3F);
	}

	private void put(int ascii) throws IOException {
		ensure(1);
		this.buf[this.pos++] = (byte) ascii;
	}

	private void ensure(int bytes) throws IOException {
		if (this.pos + bytes > BUFFER) {
			flush();
			if (bytes > BUFFER) {
				throw new IllegalArgumentException("field part too long: " + bytes + " bytes");
			}
		}
	}

	private void flush() throws IOException {
		this.out.write(this.buf, 0, this.pos);
		this.pos = 0;
	}
}
