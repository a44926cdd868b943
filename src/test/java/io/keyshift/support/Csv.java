package io.keyshift.support;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.opencsv.CSVReader;
import com.opencsv.CSVReaderBuilder;
import com.opencsv.RFC4180ParserBuilder;
import com.opencsv.exceptions.CsvException;

/** Reads a CSV file with a header into maps, for assertions. */
public final class Csv {

	private Csv() {
	}

	public static List<Map<String, String>> read(Path file) {
		try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
				// RFC 4180, as the report is written: a backslash is an ordinary character (opencsv's default
				// parser would take it for an escape and drop it)
				CSVReader csv = new CSVReaderBuilder(reader).withCSVParser(new RFC4180ParserBuilder().build()).build()) {
			List<String[]> rows = csv.readAll();
			String[] header = rows.get(0);
			List<Map<String, String>> out = new ArrayList<>();
			for (String[] row : rows.subList(1, rows.size())) {
				Map<String, String> map = new LinkedHashMap<>();
				for (int i = 0; i < header.length; i++) {
					map.put(header[i], i < row.length ? row[i] : null);
				}
				out.add(map);
			}
			return out;
		}
		catch (IOException | CsvException ex) {
			throw new IllegalStateException("cannot read " + file, ex);
		}
	}

	/** The given columns of each row, joined by '|', in file order. */
	public static List<String> project(List<Map<String, String>> rows, String... columns) {
		List<String> out = new ArrayList<>();
		for (Map<String, String> row : rows) {
			List<String> cells = new ArrayList<>();
			for (String column : columns) {
				cells.add(row.get(column) == null ? "" : row.get(column));
			}
			out.add(String.join("|", cells));
		}
		return out;
	}
}
