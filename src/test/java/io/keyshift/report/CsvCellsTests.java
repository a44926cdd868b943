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
	void writesNullAsAnEmptyCell() {
		assertThat(CsvCells.neutralise(null)).isEmpty();
	}

	@Test
	void neutralisingTwiceChangesNothingMore() {
		String once = CsvCells.neutralise("=1+1");

		assertThat(CsvCells.neutralise(once)).isEqualTo(once);
	}
}
