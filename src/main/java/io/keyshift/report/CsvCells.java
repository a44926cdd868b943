package io.keyshift.report;

/**
 * Makes a CSV cell safe to open in a spreadsheet. A cell whose first character would make Excel,
 * LibreOffice or Google Sheets evaluate it as a formula ({@code =}, {@code +}, {@code -}, {@code @},
 * tab, carriage return) gets a leading single quote, which the spreadsheet shows as text (OWASP,
 * "CSV Injection"). Report cells carry user data (emails, account names, rejected records), so an
 * exported value such as {@code =HYPERLINK(...)} must not run on the operator's machine.
 * <p>
 * Invisible characters (bidirectional overrides, zero-width and control characters) are spelled out
 * as {@link VisibleText} escapes, so a cell cannot show other text than it holds.
 * <p>
 * The price is that a negative number such as {@code -5} is also prefixed; the report has no
 * negative numbers, and a quoted one still reads correctly.
 */
public final class CsvCells {

	private CsvCells() {
	}

	/**
	 * The cell as it should be written: {@code ""} for {@code null}, the cell prefixed with {@code '}
	 * when it starts like a formula, otherwise the cell unchanged.
	 * @param cell a cell value, possibly {@code null}
	 * @return the value to write
	 */
	public static String neutralise(String cell) {
		if (cell == null) {
			return "";
		}
		cell = VisibleText.of(cell); // what the cell shows is what it holds (bidi overrides, zero-width characters)
		if (cell.isEmpty()) {
			return cell;
		}
		return switch (cell.charAt(0)) {
			case '=', '+', '-', '@', '\t', '\r' -> "'" + cell;
			default -> cell;
		};
	}
}
