package io.keyshift.migration;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VerdictTests {

	private static final UserCase RETURNING = new UserCase(5, 100, "u5@example.com", 2, false,
			LegacyKeyStatus.MIGRATED, List.of(), List.of());

	@Test
	void aNewKeyOfAQuarantinedUserStartsActiveWhateverTheirRecordedKeySays() {
		Verdict verdict = new Verdict(RETURNING,
				List.of(new Decision(null, null, Outcome.QUARANTINED, Reason.DUPLICATE_LEGACY_KEY, List.of(), null)),
				LegacyKeyStatus.MIGRATED, null);
		assertThat(verdict.newKeyStatus()).isEqualTo(LegacyKeyStatus.ACTIVE);
	}

	@Test
	void aNewKeyOfAUserWithoutQuarantineTakesTheUsersStatus() {
		Verdict verdict = new Verdict(RETURNING,
				List.of(new Decision(null, null, Outcome.SKIPPED, Reason.NO_MEMBERSHIPS, List.of(), null)),
				LegacyKeyStatus.REVOKED, null);
		assertThat(verdict.newKeyStatus()).isEqualTo(LegacyKeyStatus.REVOKED);
	}
}
