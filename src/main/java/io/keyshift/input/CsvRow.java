package io.keyshift.input;

/** One record of an input file and the physical line it starts on (the header is line 1). */
public record CsvRow(long line, String[] fields) {
}
