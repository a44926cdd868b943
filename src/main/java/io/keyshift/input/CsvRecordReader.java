package io.keyshift.input;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.FilterInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import com.opencsv.CSVReader;
import com.opencsv.CSVReaderBuilder;
import com.opencsv.RFC4180ParserBuilder;
import com.opencsv.exceptions.CsvMalformedLineException;
import com.opencsv.exceptions.CsvValidationException;

/**
 * Reads an RFC 4180 file record by record with the line each record starts on: UTF-8 with an
 * optional BOM, LF or CRLF, quoted fields holding commas, quotes and line breaks. Blank lines are
 * passed over. Invalid UTF-8 or an I/O error is an {@link InputProblem} naming the file.
 */
public final class CsvRecordReader implements Closeable {

	private final String fileName;

	private final CSVReader csv;

	private final CountingInputStream bytes;

	private long consumedLines;

	private boolean broken;

	public CsvRecordReader(Path path) throws IOException {
		this.fileName = path.getFileName().toString();
		var decoder = StandardCharsets.UTF_8.newDecoder()
			.onMalformedInput(CodingErrorAction.REPORT)
			.onUnmappableCharacter(CodingErrorAction.REPORT);
		this.bytes = new CountingInputStream(Files.newInputStream(path));
		Reader reader = new BufferedReader(new InputStreamReader(bytes, decoder), 1 << 16);
		this.csv = new CSVReaderBuilder(skipBom(reader)).withCSVParser(new RFC4180ParserBuilder().build())
			.withKeepCarriageReturn(false)
			.build();
	}

	private static Reader skipBom(Reader reader) throws IOException {
		PushbackReader pushback = new PushbackReader(reader, 1);
		int first = pushback.read();
		if (first != -1 && first != '\uFEFF') {
			pushback.unread(first);
		}
		return pushback;
	}

	/**
	 * The next record, or null at the end.
	 * @throws RowProblemAtLine when the rest of the file cannot be split into records (an unclosed quote)
	 */
	public CsvRow next() throws RowProblemAtLine {
		while (!broken) {
			long start = consumedLines + 1;
			String[] fields;
			try {
				fields = csv.readNext();
			}
			catch (CsvMalformedLineException ex) {
				// the unclosed quote swallowed the rest of the file: nothing after it can be read as rows
				consumedLines = csv.getLinesRead();
				broken = true;
				throw new RowProblemAtLine(start, new RowProblem("unparseable record",
						"unparseable record: a quoted field is not closed before the end of the file"));
			}
			catch (CsvValidationException ex) {
				consumedLines = csv.getLinesRead();
				throw new RowProblemAtLine(start, new RowProblem("unparseable record", "unparseable record"));
			}
			catch (IOException ex) {
				throw unreadable(fileName, ex);
			}
			consumedLines = csv.getLinesRead();
			if (fields == null) {
				return null;
			}
			if (fields.length == 1 && fields[0].isBlank()) {
				continue;
			}
			return new CsvRow(start, fields);
		}
		return null;
	}

	/** The problem to report for an I/O failure: bytes that are not UTF-8, or a file that cannot be read. */
	static InputProblem unreadable(String fileName, IOException ex) {
		if (causedBy(ex, java.nio.charset.CharacterCodingException.class)) {
			return new InputProblem(fileName + ": not valid UTF-8 (save the export as UTF-8)", ex);
		}
		return new InputProblem(fileName + ": cannot be read (" + ex.getClass().getSimpleName() + ")", ex);
	}

	private static boolean causedBy(Throwable ex, Class<? extends Throwable> type) {
		for (Throwable t = ex; t != null; t = t.getCause()) {
			if (type.isInstance(t)) {
				return true;
			}
		}
		return false;
	}

	/** Bytes taken from the file so far (a little ahead of the rows returned: reading is buffered). */
	public long bytesRead() {
		return bytes.count;
	}

	@Override
	public void close() throws IOException {
		csv.close();
	}

	private static final class CountingInputStream extends FilterInputStream {

		private long count;

		CountingInputStream(InputStream in) {
			super(in);
		}

		@Override
		public int read() throws IOException {
			int b = super.read();
			if (b >= 0) {
				count++;
			}
			return b;
		}

		@Override
		public int read(byte[] buffer, int offset, int length) throws IOException {
			int n = super.read(buffer, offset, length);
			if (n > 0) {
				count += n;
			}
			return n;
		}
	}

	/** A record that cannot be split into fields, and where it starts. */
	public static final class RowProblemAtLine extends Exception {

		private final long line;

		private final RowProblem problem;

		RowProblemAtLine(long line, RowProblem problem) {
			super(problem.detail(), null, false, false);
			this.line = line;
			this.problem = problem;
		}

		public long line() {
			return line;
		}

		public RowProblem problem() {
			return problem;
		}
	}
}
