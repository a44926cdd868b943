package io.keyshift.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DeciderTests {

	private static final Account TEAM = new Account(10, "Spice Harvesting", Plan.TEAM, AccountState.ACTIVE);

	private static final Account ENTERPRISE = new Account(11, "Guild", Plan.ENTERPRISE, AccountState.ACTIVE);

	private static final Account ENTERPRISE_PLUS = new Account(12, "Ix", Plan.ENTERPRISE_PLUS, AccountState.ACTIVE);

	private final Decider real = new Decider(false, false);

	private static Membership pair(Account account, License license, Grant... grants) {
		return new Membership(account.id(), account, false, Set.of(license), List.of(grants), null);
	}

	private static UserCase user(Membership... memberships) {
		return new UserCase(7, 70, "paul@example.com", 1, false, null, List.of(memberships), List.of());
	}

	private static Grant grant(PermissionSet set, Long project) {
		return new Grant(set, project);
	}

	private static List<String> outcomes(Verdict verdict) {
		List<String> out = new ArrayList<>();
		verdict.decisions().forEach(d -> out.add(d.outcome() + (d.reason() == null ? "" : "/" + d.reason())));
		return out;
	}

	@Test
	void createsOneTokenPerEligibleAccountWithInheritedPermissions() {
		Verdict v = real.decide(user(pair(TEAM, License.DEVELOPER, grant(PermissionSet.ADMIN, 12L),
				grant(PermissionSet.ADMIN, 15L)), pair(ENTERPRISE, License.DEVELOPER, grant(PermissionSet.DEVELOPER, null))));
		assertThat(outcomes(v)).containsExactly("CREATED", "CREATED");
		assertThat(Permissions.format(v.decisions().get(0).permissions())).isEqualTo("admin@12;admin@15");
		assertThat(Permissions.format(v.decisions().get(1).permissions())).isEqualTo("developer@all");
		assertThat(v.keyStatus()).isEqualTo(LegacyKeyStatus.MIGRATED);
		assertThat(v.notification()).isEqualTo(NotificationKind.TOKENS_ISSUED);
	}

	@Test
	void enterprisePlusIsEligible() {
		assertThat(outcomes(real.decide(user(pair(ENTERPRISE_PLUS, License.DEVELOPER,
				grant(PermissionSet.JOB_ADMIN, null)))))).containsExactly("CREATED");
	}

	@Test
	void dryRunSaysWouldCreateAndStillComputesTheKeyStatusItWouldSet() {
		Verdict v = new Decider(true, false).decide(user(pair(TEAM, License.DEVELOPER, grant(PermissionSet.ADMIN, null))));
		assertThat(outcomes(v)).containsExactly("WOULD_CREATE");
		assertThat(v.keyStatus()).isEqualTo(LegacyKeyStatus.MIGRATED);
	}

	@Test
	void quarantinesUserWithTwoValidKeysBeforeAnythingElse() {
		UserCase u = new UserCase(7, 70, "paul@example.com", 2, true, null, List.of(), List.of());
		Verdict v = real.decide(u);
		assertThat(outcomes(v)).containsExactly("QUARANTINED/DUPLICATE_LEGACY_KEY");
		assertThat(v.decisions().get(0).accountId()).isNull();
		assertThat(v.keyStatus()).isEqualTo(LegacyKeyStatus.ACTIVE);
		assertThat(v.notification()).isNull();
	}

	@Test
	void quarantinesUserWhoseEmailAnotherUserShares() {
		UserCase u = new UserCase(7, 70, "paul@example.com", 1, true, null,
				List.of(pair(TEAM, License.DEVELOPER, grant(PermissionSet.ADMIN, null))), List.of());
		assertThat(outcomes(real.decide(u))).containsExactly("QUARANTINED/DUPLICATE_IDENTITY");
	}

	@Test
	void skipsUserWithoutMemberships() {
		Verdict v = real.decide(user());
		assertThat(outcomes(v)).containsExactly("SKIPPED/NO_MEMBERSHIPS");
		assertThat(v.keyStatus()).isEqualTo(LegacyKeyStatus.MIGRATED);
		assertThat(v.notification()).isEqualTo(NotificationKind.NO_TOKEN_ISSUED);
	}

	@Test
	void quarantinesPairWithARejectedGrantBeforeLicenseConflict() {
		Membership broken = new Membership(10, TEAM, true, Set.of(License.DEVELOPER, License.ANALYST), List.of(), null);
		assertThat(outcomes(real.decide(user(broken)))).containsExactly("QUARANTINED/INVALID_GRANT");
	}

	@Test
	void quarantinesPairWhenLicensesDisagree() {
		Membership conflict = new Membership(10, null, false, Set.of(License.DEVELOPER, License.IT),
				List.of(grant(PermissionSet.ADMIN, null)), null);
		assertThat(outcomes(real.decide(user(conflict)))).containsExactly("QUARANTINED/LICENSE_CONFLICT");
	}

	@Test
	void quarantinesPairWhoseAccountIsUnknown() {
		Membership unknown = new Membership(99, null, false, Set.of(License.DEVELOPER),
				List.of(grant(PermissionSet.ADMIN, null)), null);
		Verdict v = real.decide(user(unknown, pair(TEAM, License.DEVELOPER, grant(PermissionSet.ADMIN, null))));
		assertThat(outcomes(v)).containsExactly("QUARANTINED/UNKNOWN_ACCOUNT", "CREATED");
		assertThat(v.keyStatus()).as("bad data never locks a user out").isEqualTo(LegacyKeyStatus.ACTIVE);
		assertThat(v.notification()).isEqualTo(NotificationKind.TOKENS_ISSUED);
	}

	@Test
	void skipsInactiveAccountsBeforeLookingAtThePlan() {
		Account locked = new Account(20, "Old", Plan.DEVELOPER, AccountState.LOCKED);
		Account deleted = new Account(21, "Gone", Plan.TEAM, AccountState.DELETED);
		assertThat(outcomes(real.decide(user(pair(locked, License.DEVELOPER), pair(deleted, License.DEVELOPER)))))
			.containsExactly("SKIPPED/ACCOUNT_INACTIVE", "SKIPPED/ACCOUNT_INACTIVE");
	}

	@Test
	void skipsDeveloperPlanBeforeLookingAtTheLicense() {
		Account developerPlan = new Account(22, "Solo", Plan.DEVELOPER, AccountState.ACTIVE);
		assertThat(outcomes(real.decide(user(pair(developerPlan, License.ANALYST)))))
			.containsExactly("SKIPPED/PLAN_NOT_ELIGIBLE");
	}

	@Test
	void skipsUsersWithoutADeveloperLicense() {
		Verdict v = real.decide(user(pair(TEAM, License.READ_ONLY, grant(PermissionSet.READONLY, null))));
		assertThat(outcomes(v)).containsExactly("SKIPPED/NO_DEVELOPER_LICENSE");
		assertThat(v.notification()).isEqualTo(NotificationKind.NO_TOKEN_ISSUED);
	}

	@Test
	void saysAlreadyMigratedWhenAnEarlierRunMadeTheToken() {
		ExistingToken earlier = new ExistingToken("b3c1", "a1b2", "admin@all");
		Membership done = new Membership(10, TEAM, false, Set.of(License.DEVELOPER),
				List.of(grant(PermissionSet.ADMIN, null)), earlier);
		UserCase u = new UserCase(7, 70, "paul@example.com", 1, false, LegacyKeyStatus.MIGRATED, List.of(done),
				List.of());
		Verdict v = real.decide(u);
		assertThat(outcomes(v)).containsExactly("ALREADY_MIGRATED");
		assertThat(v.decisions().get(0).existingToken()).isEqualTo(earlier);
		assertThat(v.notification()).as("nothing new to tell").isNull();
		assertThat(new Decider(true, false).decide(u).decisions().get(0).outcome()).isEqualTo(Outcome.ALREADY_MIGRATED);
	}

	@Test
	void doesNotRepeatTheNoTokenNoticeToAUserAnEarlierRunMigrated() {
		UserCase told = new UserCase(7, 70, "paul@example.com", 1, false, LegacyKeyStatus.MIGRATED,
				List.of(pair(TEAM, License.ANALYST)), List.of());
		assertThat(real.decide(told).notification()).isNull();
	}

	@Test
	void revokesMigratedKeysWhenAsked() {
		Decider revoking = new Decider(false, true);
		assertThat(revoking.decide(user(pair(TEAM, License.DEVELOPER, grant(PermissionSet.ADMIN, null)))).keyStatus())
			.isEqualTo(LegacyKeyStatus.REVOKED);
		Membership unknown = new Membership(99, null, false, Set.of(License.DEVELOPER), List.of(), null);
		assertThat(revoking.decide(user(unknown)).keyStatus()).isEqualTo(LegacyKeyStatus.ACTIVE);
	}

	@Test
	void neverMovesARevokedKeyBack() {
		UserCase revoked = new UserCase(7, 70, "paul@example.com", 1, false, LegacyKeyStatus.REVOKED,
				List.of(pair(TEAM, License.DEVELOPER, grant(PermissionSet.ADMIN, null))), List.of());
		assertThat(real.decide(revoked).keyStatus()).isEqualTo(LegacyKeyStatus.REVOKED);
	}

	private static UserCase withGrantRejectedWithoutAccount(boolean sharedEmail, Membership... memberships) {
		return new UserCase(7, 70, "paul@example.com", 1, sharedEmail, null, List.of(memberships), List.of(), true);
	}

	@Test
	void quarantinesTheWholeUserWhenARejectedGrantNamesNoReadableAccount() {
		// one valid admin row in TEAM: without the rule the PAT would carry fewer grants than the user has
		Verdict v = real.decide(withGrantRejectedWithoutAccount(false,
				pair(TEAM, License.DEVELOPER, grant(PermissionSet.ADMIN, null))));
		assertThat(outcomes(v)).containsExactly("QUARANTINED/INVALID_GRANT");
		assertThat(v.decisions().get(0).accountId()).isNull();
		assertThat(v.decisions().get(0).permissions()).isEmpty();
		assertThat(v.keyStatus()).as("bad data never locks a user out").isEqualTo(LegacyKeyStatus.ACTIVE);
		assertThat(v.notification()).isNull();
	}

	@Test
	void aUserWhoseOnlyRowsWereRejectedIsQuarantinedNotSkippedForNoMemberships() {
		Verdict v = new Decider(false, true).decide(withGrantRejectedWithoutAccount(false));
		assertThat(outcomes(v)).containsExactly("QUARANTINED/INVALID_GRANT");
		assertThat(v.keyStatus()).as("not revoked, even with --revoke-legacy-keys").isEqualTo(LegacyKeyStatus.ACTIVE);
		assertThat(v.notification()).as("no 'you are in no account' notice").isNull();
	}

	@Test
	void userLevelInvalidGrantComesAfterDuplicateKeysAndIdentities() {
		assertThat(outcomes(real.decide(withGrantRejectedWithoutAccount(true))))
			.containsExactly("QUARANTINED/DUPLICATE_IDENTITY");
		UserCase twoKeys = new UserCase(7, 70, "paul@example.com", 2, false, null, List.of(), List.of(), true);
		assertThat(outcomes(real.decide(twoKeys))).containsExactly("QUARANTINED/DUPLICATE_LEGACY_KEY");
	}
}
