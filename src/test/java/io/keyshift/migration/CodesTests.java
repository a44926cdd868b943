package io.keyshift.migration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The export's codes are read exactly as spelled: lower case, no trimming, no case folding. */
class CodesTests {

	@Test
	void everyCodeReadsBackAsItsConstant() {
		for (PermissionSet set : PermissionSet.values()) {
			assertThat(PermissionSet.parse(set.code())).isSameAs(set);
		}
		for (License license : License.values()) {
			assertThat(License.parse(license.code())).isSameAs(license);
		}
		for (Plan plan : Plan.values()) {
			assertThat(Plan.parse(plan.code())).isSameAs(plan);
		}
		for (AccountState state : AccountState.values()) {
			assertThat(AccountState.parse(state.code())).isSameAs(state);
		}
		assertThat(PermissionSet.MANAGE_MARKETPLACE_APPS.code()).isEqualTo("manage_marketplace_apps");
		assertThat(License.parse("read_only")).isSameAs(License.READ_ONLY);
	}

	@Test
	void otherSpellingsAreUnknownAndNamed() {
		assertThatIllegalArgumentException().isThrownBy(() -> License.parse("Developer"))
			.withMessage("unknown license_type 'Developer'");
		assertThatIllegalArgumentException().isThrownBy(() -> License.parse("DEVELOPER"));
		assertThatIllegalArgumentException().isThrownBy(() -> License.parse(" developer"));
		assertThatIllegalArgumentException().isThrownBy(() -> Plan.parse(""));
		assertThatIllegalArgumentException().isThrownBy(() -> Plan.parse(null)).withMessage("unknown plan 'null'");
		// a constant's code of another enum is not this enum's
		assertThatIllegalArgumentException().isThrownBy(() -> PermissionSet.parse("active"))
			.withMessage("unknown permission_set 'active'");
	}
}
