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

	// SPEC §3.2: later runs. Account 10 (TEAM) and 11 (ENTERPRISE) are active and eligible.

	private final Decider dry = new Decider(true, false);

	private static final Account LOCKED = new Account(13, "Giedi", Plan.TEAM, AccountState.LOCKED);

	private static final Account DEV_PLAN = new Account(14, "Tleilax", Plan.DEVELOPER, AccountState.ACTIVE);

	private static ExistingToken pat(String id, Account account, String permissions) {
		return new ExistingToken(id, "h" + id, permissions, account.id(), account);
	}

	private static Membership held(Account account, License license, ExistingToken token, Grant... grants) {
		return new Membership(account.id(), account, false, Set.of(license), List.of(grants), token);
	}

	/** A user the last run migrated, with these pairs in the export and these ACTIVE PATs. */
	private static UserCase later(List<Membership> pairs, ExistingToken... tokens) {
		return new UserCase(7, 70, "paul@example.com", 1, false, LegacyKeyStatus.MIGRATED, pairs, List.of(),
				List.of(tokens), false);
	}

	private static List<String> rows(Verdict verdict) {
		List<String> out = new ArrayList<>();
		verdict.decisions()
			.forEach(d -> out.add(d.accountId() + " " + d.outcome() + (d.reason() == null ? "" : "/" + d.reason())
					+ " " + (d.existingToken() == null ? "-" : d.existingToken().tokenId()) + " "
					+ (d.permissions().isEmpty() ? "-" : Permissions.format(d.permissions())) + " "
					+ (d.previousPermissions() == null ? "-" : d.previousPermissions())));
		return out;
	}

	@Test
	void keepsATokenWhosePermissionsAreStillTheOwners() {
		ExistingToken t = pat("t1", TEAM, "admin@12;developer@all");
		// the same grants, in another order and with a duplicate and a project grant that @all covers
		Verdict v = real.decide(later(List.of(held(TEAM, License.DEVELOPER, t, grant(PermissionSet.DEVELOPER, null),
				grant(PermissionSet.ADMIN, 12L), grant(PermissionSet.DEVELOPER, 3L), grant(PermissionSet.ADMIN, 12L))), t));
		assertThat(rows(v)).containsExactly("10 ALREADY_MIGRATED t1 - -");
		assertThat(v.notification()).isNull();
	}

	@Test
	void replacesPermissionsThatShrankOrGrew() {
		ExistingToken shrunk = pat("t1", TEAM, "admin@12;admin@15;developer@all");
		ExistingToken grown = pat("t2", ENTERPRISE, "readonly@all");
		UserCase u = later(List.of(held(TEAM, License.DEVELOPER, shrunk, grant(PermissionSet.READONLY, null)),
				held(ENTERPRISE, License.DEVELOPER, grown, grant(PermissionSet.READONLY, null),
						grant(PermissionSet.JOB_ADMIN, 4L))),
				shrunk, grown);
		assertThat(rows(real.decide(u))).containsExactly("10 UPDATED t1 readonly@all admin@12;admin@15;developer@all",
				"11 UPDATED t2 job_admin@4;readonly@all readonly@all");
		assertThat(real.decide(u).notification()).isEqualTo(NotificationKind.TOKENS_CHANGED);
		assertThat(rows(dry.decide(u))).containsExactly(
				"10 WOULD_UPDATE t1 readonly@all admin@12;admin@15;developer@all",
				"11 WOULD_UPDATE t2 job_admin@4;readonly@all readonly@all");
	}

	@Test
	void revokesATokenWhosePairIsSkippedNowWithTheSkipReason() {
		ExistingToken locked = pat("t3", LOCKED, "admin@all");
		ExistingToken devPlan = pat("t4", DEV_PLAN, "admin@all");
		ExistingToken license = pat("t1", TEAM, "admin@all");
		UserCase u = later(List.of(held(TEAM, License.ANALYST, license, grant(PermissionSet.ADMIN, null)),
				held(LOCKED, License.DEVELOPER, locked, grant(PermissionSet.ADMIN, null)),
				held(DEV_PLAN, License.DEVELOPER, devPlan, grant(PermissionSet.ADMIN, null))), license, locked, devPlan);
		Verdict v = real.decide(u);
		assertThat(rows(v)).containsExactly("10 REVOKED/NO_DEVELOPER_LICENSE t1 - admin@all",
				"13 REVOKED/ACCOUNT_INACTIVE t3 - admin@all", "14 REVOKED/PLAN_NOT_ELIGIBLE t4 - admin@all");
		assertThat(v.notification()).isEqualTo(NotificationKind.TOKENS_CHANGED);
		assertThat(v.keyStatus()).isEqualTo(LegacyKeyStatus.MIGRATED);
		assertThat(rows(dry.decide(u))).containsExactly("10 WOULD_REVOKE/NO_DEVELOPER_LICENSE t1 - admin@all",
				"13 WOULD_REVOKE/ACCOUNT_INACTIVE t3 - admin@all", "14 WOULD_REVOKE/PLAN_NOT_ELIGIBLE t4 - admin@all");
	}

	@Test
	void revokesTheTokenOfAPairGoneFromTheExportInAccountOrder() {
		ExistingToken gone = pat("t1", TEAM, "admin@all");
		ExistingToken kept = pat("t3", LOCKED, "admin@all");
		// account 13 is still skipped without a token; 10 is gone; 11 is new
		UserCase u = later(List.of(held(ENTERPRISE, License.DEVELOPER, null, grant(PermissionSet.ANALYST, null)),
				held(LOCKED, License.DEVELOPER, null, grant(PermissionSet.ADMIN, null))), gone);
		assertThat(rows(real.decide(u))).containsExactly("10 REVOKED/MEMBERSHIP_REMOVED t1 - admin@all",
				"11 CREATED - analyst@all -", "13 SKIPPED/ACCOUNT_INACTIVE - - -");
		assertThat(real.decide(u).notification()).as("one message, listing the change too")
			.isEqualTo(NotificationKind.TOKENS_ISSUED);
		assertThat(kept.tokenId()).isEqualTo("t3");
	}

	@Test
	void aUserWithNoMembershipsLeftKeepsTheUserRowAndLosesEveryToken() {
		ExistingToken a = pat("t1", TEAM, "admin@all");
		ExistingToken b = pat("t2", ENTERPRISE, "readonly@all");
		Verdict v = real.decide(later(List.of(), b, a));
		assertThat(rows(v)).containsExactly("null SKIPPED/NO_MEMBERSHIPS - - -",
				"10 REVOKED/MEMBERSHIP_REMOVED t1 - admin@all", "11 REVOKED/MEMBERSHIP_REMOVED t2 - readonly@all");
		assertThat(v.notification()).isEqualTo(NotificationKind.TOKENS_CHANGED);
	}

	@Test
	void badDataNeverChangesAToken() {
		ExistingToken t = pat("t1", TEAM, "admin@all");
		Membership broken = new Membership(10, TEAM, true, Set.of(License.DEVELOPER), List.of(), t);
		Verdict pairLevel = real.decide(later(List.of(broken), t));
		assertThat(rows(pairLevel)).containsExactly("10 QUARANTINED/INVALID_GRANT t1 - -");
		assertThat(pairLevel.notification()).isNull();
		assertThat(pairLevel.keyStatus()).isEqualTo(LegacyKeyStatus.MIGRATED);

		UserCase shared = new UserCase(7, 70, "paul@example.com", 1, true, LegacyKeyStatus.MIGRATED,
				List.of(held(TEAM, License.ANALYST, t)), List.of(), List.of(t), false);
		assertThat(rows(real.decide(shared))).containsExactly("null QUARANTINED/DUPLICATE_IDENTITY - - -",
				"10 QUARANTINED/DUPLICATE_IDENTITY t1 - -");
	}

	@Test
	void aKeyAnEarlierRunRecordedForAnotherUserQuarantinesItsNewUser() {
		UserCase taken = new UserCase(7, 100, "paul@example.com", 1, false, LegacyKeyStatus.MIGRATED,
				List.of(pair(TEAM, License.DEVELOPER, grant(PermissionSet.ADMIN, null))), List.of(), List.of(), true);
		Verdict v = real.decide(taken);
		assertThat(rows(v)).containsExactly("null QUARANTINED/KEY_OWNER_CHANGED - - -");
		assertThat(v.keyStatus()).as("the other user's key stays as it was").isEqualTo(LegacyKeyStatus.MIGRATED);
		assertThat(v.notification()).isNull();
	}

	@Test
	void aRotatedKeyKeepsTheUsersTokens() {
		// key 71 is new (no status yet); the PAT the user got with key 70 still belongs to the pair
		ExistingToken t = pat("t1", TEAM, "admin@all");
		UserCase rotated = new UserCase(7, 71, "paul@example.com", 1, false, null,
				List.of(held(TEAM, License.DEVELOPER, t, grant(PermissionSet.ADMIN, null))), List.of(), List.of(t),
				false);
		Verdict v = real.decide(rotated);
		assertThat(rows(v)).containsExactly("10 ALREADY_MIGRATED t1 - -");
		assertThat(v.decisions()).noneMatch(Decision::mintsToken);
		assertThat(v.keyStatus()).isEqualTo(LegacyKeyStatus.MIGRATED);
	}
}
