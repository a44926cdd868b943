package io.keyshift.store;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which WRITE_DELAY a run puts back, from the values H2 lists (its own value and its built-in default, in no set order). */
class H2CommitsTests {

	@Test
	void aValueTheOperatorChoseIsPutBackWhereverItIsListed() {
		assertThat(H2Commits.restoreValue(List.of("700", "500"))).isEqualTo(700);
		assertThat(H2Commits.restoreValue(List.of("500", "700"))).isEqualTo(700);
	}

	@Test
	void h2sDefaultIsPutBackWhenNothingElseWasChosen() {
		assertThat(H2Commits.restoreValue(List.of("500", "500"))).isEqualTo(500);
		assertThat(H2Commits.restoreValue(List.of("500"))).isEqualTo(500);
		assertThat(H2Commits.restoreValue(List.of())).isEqualTo(500);
	}

	@Test
	void aZeroLeftByAKilledRunIsNotTakenForAChoice() {
		assertThat(H2Commits.restoreValue(List.of("0", "500"))).isEqualTo(500);
		assertThat(H2Commits.restoreValue(List.of("500", "0"))).isEqualTo(500);
	}

	@Test
	void somethingUnreadableIsIgnored() {
		assertThat(H2Commits.restoreValue(Arrays.asList(null, "fast", "-3", "12345678901", " 900 "))).isEqualTo(900);
	}
}
