package io.keyshift.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;

import com.opencsv.CSVWriter;
import com.opencsv.ICSVWriter;

/**
 * Writes the report directory: {@code report.csv}, {@code rejects.csv}, {@code summary.json} and
 * {@code summary.html}. Each file is written beside its final name and moved into place, so an
 * operator never reads half a report. Every CSV cell is neutralised against formula injection.
 */
public final class ReportWriter {

	private final Path directory;

	public ReportWriter(Path directory) {
		this.directory = directory;
	}

	/** A source of rows: it calls the consumer once per row, in order. */
	public interface Rows {

		void forEach(Consumer<String[]> row);
	}

	public Path directory() {
		return directory;
	}

	public void writeReport(Rows rows) {
		writeCsv(ReportFiles.REPORT_CSV, ReportFiles.REPORT_HEADER, rows);
	}

	public void writeRejects(Rows rows) {
		writeCsv(ReportFiles.REJECTS_CSV, ReportFiles.REJECTS_HEADER, rows);
	}

	public void writeSummary(RunSummary summary) {
		writeText(ReportFiles.SUMMARY_JSON, SummaryJson.render(summary));
		writeText(ReportFiles.SUMMARY_HTML, SummaryHtml.render(summary));
	}

	private void writeCsv(String name, String[] header, Rows rows) {
		write(name, out -> {
			ICSVWriter csv = new CSVWriter(out, ',', '"', '"', "\n");
			csv.writeNext(header, false);
			rows.forEach(row -> {
				String[] cells = new String[row.length];
				for (int i = 0; i < row.length; i++) {
					cells[i] = CsvCells.neutralise(row[i]);
				}
				csv.writeNext(cells, false);
			});
			try {
				csv.flush();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

	private void writeText(String name, String text) {
		write(name, out -> {
			try {
				out.write(text);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

	private void write(String name, Consumer<Writer> body) {
		try {
			Files.createDirectories(directory);
			Path target = directory.resolve(name);
			Path partial = directory.resolve(name + ".partial");
			try (Writer out = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
				body.accept(out);
			}
			Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write " + directory.resolve(name), ex);
		}
	}
}
