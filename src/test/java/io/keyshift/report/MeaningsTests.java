package io.keyshift.report;

import io.keyshift.migration.Outcome;
import io.keyshift.migration.Reason;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MeaningsTests {

	@Test
	void explainsEveryOutcomeAndEveryReason() {
		for (Outcome outcome : Outcome.values()) {
			assertThat(Meanings.of(outcome.name(), null)).as(outcome.name()).isNotBlank();
		}
		for (Reason reason : Reason.values()) {
			assertThat(Meanings.of("SKIPPED", reason.name())).as(reason.name()).isNotBlank();
		}
	}

	@Test
	void prefersTheReasonOverTheOutcome() {
		assertThat(Meanings.of("QUARANTINED", "UNKNOWN_ACCOUNT")).contains("accounts.csv");
		assertThat(Meanings.of("QUARANTINED", null)).contains("fix the export");
	}

	@Test
	void leavesACodeItDoesNotKnowUnexplained() {
		assertThat(Meanings.of("SOMETHING_NEW", null)).isEmpty();
		assertThat(Meanings.of("SKIPPED", "SOMETHING_NEW")).isEmpty();
		assertThat(Meanings.of(null, null)).isEmpty();
	}
}
