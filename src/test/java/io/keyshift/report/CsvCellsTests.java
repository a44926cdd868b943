package io.keyshift.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class CsvCellsTests {

	@ParameterizedTest
	@ValueSource(strings = { "=HYPERLINK(\"http://x\")", "+1+1", "-5", "@SUM(A1:A9)", "\t=1", "\r=1" })
	void prefixesCellsThatStartAFormula(String cell) {
		assertThat(CsvCells.neutralise(cell)).isEqualTo("'" + cell);
	}

	@ParameterizedTest
	@ValueSource(strings = { "amara.okafor@example.com", "1001", "Northwind Traders", "a=b", " =1", "admin@12;admin@15",
			"'=1", "" })
	void leavesCellsThatDoNotStartAFormulaUnchanged(String cell) {
		assertThat(CsvCells.neutralise(cell)).isSameAs(cell);
	}

	@Test
	void spellsOutBidiOverridesZeroWidthAndControlCharactersButKeepsLineBreaksTabsAndJoiners() {
		assertThat(CsvCells.neutralise("Acme \u202Egnp.exe")).isEqualTo("Acme \\u202Egnp.exe");
		assertThat(CsvCells.neutralise("a\u200Bb\u2066c\u2069d\u200Ee\u0000f\u001Bg\u2028h\uFEFFi"))
			.isEqualTo("a\\u200Bb\\u2066c\\u2069d\\u200Ee\\u0000f\\u001Bg\\u2028h\\uFEFFi");
		assertThat(CsvCells.neutralise("Two\nlines\tand \u0928\u094D\u200D\u0928 \uD83D\uDC69\u200D\uD83D\uDCBB"))
			.isEqualTo("Two\nlines\tand \u0928\u094D\u200D\u0928 \uD83D\uDC69\u200D\uD83D\uDCBB");
		assertThat(CsvCells.neutralise("tag\uDB40\uDC41")).isEqualTo("tag\\U000E0041");
	}

	@Test
	void anOverrideCannotHideAFormula() {
		assertThat(CsvCells.neutralise("\u202E=1+1")).isEqualTo("\\u202E=1+1");
		assertThat(CsvCells.neutralise("=\u202E1")).isEqualTo("'=\\u202E1");
	}

	@Test
	void writesNullAsAnEmptyCell() {
		assertThat(CsvCells.neutralise(null)).isEmpty();
	}

	@Test
	void neutralisingTwiceChangesNothingMore() {
		String once = CsvCells.neutralise("=1+1");

		assertThat(CsvCells.neutralise(once)).isEqualTo(once);
	}
}
