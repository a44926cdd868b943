package io.keyshift.input;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import io.keyshift.migration.AccountState;
import io.keyshift.migration.License;
import io.keyshift.migration.Plan;
import io.keyshift.token.Digests;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExportReaderTests {

	private static final String SECRET = "ak_9f8e7d6c5b4a39281706f5e4d3c2b1a0ZZQQ";

	@TempDir
	Path dir;

	private final RecordingSink sink = new RecordingSink();

	@BeforeEach
	void validExport() throws IOException {
		write("accounts.csv", "account_id,account_name,plan,state\n10,Spice,team,active\n");
		write("legacy_api_keys.csv", "key_id,user_id,email,api_key,created_at,last_used_at\n"
				+ "1,7,paul@example.com," + SECRET + ",2026-11-09T12:00:00Z,\n");
		write("account_memberships.csv",
				"user_id,account_id,license_type,permission_set,project_id\n7,10,developer,admin,\n");
	}

	private void write(String name, String content) throws IOException {
		Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
	}

	private void read() {
		new ExportReader(sink).read(Export.open(dir));
	}

	private Reject onlyReject() {
		assertThat(sink.rejects).hasSize(1);
		return sink.rejects.get(0);
	}

	@Test
	void readsAValidExport() {
		read();
		assertThat(sink.accounts).containsExactly(new AccountRow(2, 10, "Spice", Plan.TEAM, AccountState.ACTIVE));
		assertThat(sink.keys).singleElement().satisfies(k -> {
			assertThat(k.fingerprint()).isEqualTo(Digests.sha256Hex(SECRET));
			assertThat(k.hint()).isEqualTo("ZZQQ");
			assertThat(k.lastUsedAt()).isNull();
		});
		assertThat(sink.memberships).singleElement().satisfies(m -> {
			assertThat(m.license()).isEqualTo(License.DEVELOPER);
			assertThat(m.projectId()).isNull();
		});
		assertThat(sink.rejects).isEmpty();
		assertThat(sink.files).containsExactly("accounts.csv:1:0", "legacy_api_keys.csv:1:0",
				"account_memberships.csv:1:0");
	}

	@Test
	void stopsWhenARequiredFileIsMissing() throws IOException {
		Files.delete(dir.resolve("accounts.csv"));
		assertThatThrownBy(() -> Export.open(dir)).isInstanceOf(InputProblem.class)
			.hasMessageContaining("accounts.csv")
			.hasMessageContaining("missing");
	}

	@Test
	void stopsOnAZeroByteFile() throws IOException {
		write("account_memberships.csv", "");
		assertThatThrownBy(() -> Export.open(dir)).isInstanceOf(InputProblem.class)
			.hasMessage("account_memberships.csv line 1: file is empty (no header row)");
	}

	@Test
	void acceptsAHeaderOnlyFile() throws IOException {
		write("accounts.csv", "account_id,account_name,plan,state\n");
		read();
		assertThat(sink.accounts).isEmpty();
		assertThat(sink.files).contains("accounts.csv:0:0");
	}

	@Test
	void stopsOnAMissingColumnNamingIt() throws IOException {
		write("accounts.csv", "account_id,account_name,state\n10,Spice,active\n");
		assertThatThrownBy(() -> Export.open(dir)).isInstanceOf(InputProblem.class)
			.hasMessageStartingWith("accounts.csv line 1: missing column plan");
	}

	@Test
	void stopsOnAnUnknownColumnNamingIt() throws IOException {
		write("accounts.csv", "account_id,account_name,plan,state,region\n10,Spice,team,active,eu\n");
		assertThatThrownBy(() -> Export.open(dir)).isInstanceOf(InputProblem.class)
			.hasMessageContaining("unknown column region");
	}

	@Test
	void readsColumnsInAnyOrder() throws IOException {
		write("accounts.csv", "state,plan,account_name,account_id\nlocked,enterprise,Guild,11\n");
		read();
		assertThat(sink.accounts).containsExactly(new AccountRow(2, 11, "Guild", Plan.ENTERPRISE, AccountState.LOCKED));
	}

	@Test
	void ignoresAUtf8ByteOrderMark() throws IOException {
		write("accounts.csv", "\uFEFFaccount_id,account_name,plan,state\n10,Spice,team,active\n");
		read();
		assertThat(sink.accounts).hasSize(1);
	}

	@Test
	void readsCrlfLineEnds() throws IOException {
		write("accounts.csv", "account_id,account_name,plan,state\r\n10,Spice,team,active\r\n11,Guild,team,active\r\n");
		read();
		assertThat(sink.accounts).extracting(AccountRow::accountName).containsExactly("Spice", "Guild");
		assertThat(sink.accounts).extracting(AccountRow::plan).containsOnly(Plan.TEAM);
	}

	@Test
	void readsQuotedCommasQuotesAndLineBreaksAndKeepsPhysicalLineNumbers() throws IOException {
		write("accounts.csv", "account_id,account_name,plan,state\n"
				+ "10,\"Contoso, \"\"Blue\"\"\nData\",team,active\n" + "11,Guild,gold,active\n");
		read();
		assertThat(sink.accounts).singleElement()
			.satisfies(a -> assertThat(a.accountName()).isEqualTo("Contoso, \"Blue\"\nData"));
		assertThat(onlyReject().line()).as("the record after a two-line record starts on line 4").isEqualTo(4);
	}

	@Test
	void rejectsARowWithTheWrongColumnCount() throws IOException {
		write("accounts.csv", "account_id,account_name,plan,state\n10,Spice,team\n");
		read();
		Reject r = onlyReject();
		assertThat(r.file()).isEqualTo("accounts.csv");
		assertThat(r.line()).isEqualTo(2);
		assertThat(r.reason()).isEqualTo("expected 4 fields, found 3");
		assertThat(r.record()).isEqualTo("10,Spice,team");
	}

	@Test
	void rejectsNonNumericZeroAndNegativeIds() throws IOException {
		write("accounts.csv", "account_id,account_name,plan,state\nabc,A,team,active\n0,B,team,active\n"
				+ "-4,C,team,active\n99999999999999999999,D,team,active\n+5,E,team,active\n1.5,F,team,active\n"
				+ "\u0661\u0662,G,team,active\n9223372036854775808,H,team,active\n007,I,team,active\n");
		read();
		assertThat(sink.rejects).extracting(Reject::line).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
		assertThat(sink.accounts).extracting(AccountRow::accountId).containsExactly(7L);
		assertThat(sink.rejects).extracting(Reject::reason)
			.allMatch(reason -> reason.startsWith("account_id '") && reason.endsWith("is not a positive 64-bit integer"));
	}

	@Test
	void rejectsUnknownPlanAndState() throws IOException {
		write("accounts.csv", "account_id,account_name,plan,state\n10,A,gold,active\n11,B,team,paused\n12,C,Team,active\n");
		read();
		assertThat(sink.rejects).extracting(Reject::category).containsExactly("unknown plan", "unknown state",
				"unknown plan");
		assertThat(sink.rejects.get(0).reason()).isEqualTo("plan 'gold' is not one of the allowed values");
	}

	@Test
	void rejectsUnknownLicenseAndPermissionSetButKeepsThePairToQuarantineIt() throws IOException {
		write("account_memberships.csv", "user_id,account_id,license_type,permission_set,project_id\n"
				+ "7,10,pilot,admin,\n7,11,developer,superuser,\n");
		read();
		assertThat(sink.rejects).extracting(Reject::category).containsExactly("unknown license_type",
				"unknown permission_set");
		assertThat(sink.rejectedGrants).containsExactly("2/7/10", "3/7/11");
	}

	@Test
	void rejectsAMalformedEmail() throws IOException {
		write("legacy_api_keys.csv", "key_id,user_id,email,api_key,created_at,last_used_at\n"
				+ "1,7,paul-at-example.com," + SECRET + ",2026-11-09T12:00:00Z,\n");
		read();
		assertThat(onlyReject().category()).isEqualTo("invalid email");
	}

	@Test
	void rejectsAnEmptyApiKey() throws IOException {
		write("legacy_api_keys.csv", "key_id,user_id,email,api_key,created_at,last_used_at\n"
				+ "1,7,paul@example.com,,2026-11-09T12:00:00Z,\n");
		read();
		assertThat(onlyReject().reason()).isEqualTo("api_key is empty");
	}

	@Test
	void rejectsATimestampWithoutOffsetOrInAnotherFormat() throws IOException {
		write("legacy_api_keys.csv", "key_id,user_id,email,api_key,created_at,last_used_at\n"
				+ "1,7,paul@example.com," + SECRET + ",2026-11-09T12:00:00,\n"
				+ "2,8,jessica@example.com," + SECRET + "x,2026-11-09T12:00:00Z,09/11/2026\n");
		read();
		assertThat(sink.rejects).extracting(Reject::category).containsExactly("invalid created_at",
				"invalid last_used_at");
	}

	@Test
	void masksTheLegacyKeyInEveryRejectedRecord() throws IOException {
		write("legacy_api_keys.csv", "key_id,user_id,email,api_key,created_at,last_used_at\n"
				+ "x,7,paul@example.com," + SECRET + ",2026-11-09T12:00:00Z,\n"
				+ "2,7,paul@example.com," + SECRET + ",2026-11-09T12:00:00Z\n"
				+ "3,\"7," + SECRET + "\",paul@example.com,2026-11-09T12:00:00Z,,,\n");
		read();
		assertThat(sink.rejects).hasSize(3);
		for (Reject r : sink.rejects) {
			assertThat(r.record()).doesNotContain(SECRET).contains("[redacted]");
			assertThat(r.reason()).doesNotContain(SECRET);
		}
		assertThat(sink.rejects.get(0).record())
			.isEqualTo("[redacted],7,paul@example.com,[redacted],2026-11-09T12:00:00Z,"); // x is no key_id: not shown
	}

	@Test
	void rejectsAnUnclosedQuoteAndKeepsTheRowsBeforeIt() throws IOException {
		write("accounts.csv", "account_id,account_name,plan,state\n10,Spice,team,active\n11,\"Guild,team,active\n");
		read();
		assertThat(sink.accounts).hasSize(1);
		assertThat(onlyReject().line()).isEqualTo(3);
		assertThat(onlyReject().category()).isEqualTo("unparseable record");
	}

	@Test
	void stopsOnInvalidUtf8NamingTheFile() throws IOException {
		Files.write(dir.resolve("accounts.csv"),
				new byte[] { 'a', 'c', 'c', 'o', 'u', 'n', 't', '_', 'i', 'd', ',', 'a', 'c', 'c', 'o', 'u', 'n', 't', '_',
						'n', 'a', 'm', 'e', ',', 'p', 'l', 'a', 'n', ',', 's', 't', 'a', 't', 'e', '\n', '1', ',',
						(byte) 0xC3, (byte) 0x28, ',', 't', 'e', 'a', 'm', ',', 'a', 'c', 't', 'i', 'v', 'e', '\n' });
		assertThatThrownBy(this::read).isInstanceOf(InputProblem.class)
			.hasMessageContaining("accounts.csv")
			.hasMessageContaining("UTF-8");
	}

	@Test
	void passesOverBlankLines() throws IOException {
		write("accounts.csv", "account_id,account_name,plan,state\n\n10,Spice,team,active\n\n");
		read();
		assertThat(sink.accounts).singleElement().satisfies(a -> assertThat(a.line()).isEqualTo(3));
		assertThat(sink.rejects).isEmpty();
	}

	@Test
	void rejectsAnAccountNameOverItsLimitNamingTheColumnAndTheLimitAndKeepsOneAtTheLimit() throws IOException {
		String atLimit = "n".repeat(1000);
		String over = "Acme " + "x".repeat(996); // 1,001 characters
		write("accounts.csv", "account_id,account_name,plan,state\n10," + atLimit + ",team,active\n11," + over
				+ ",team,active\n");
		read();
		assertThat(sink.accounts).extracting(AccountRow::accountId).containsExactly(10L);
		Reject r = onlyReject();
		assertThat(r.category()).isEqualTo("too long account_name");
		assertThat(r.reason()).isEqualTo("account_name is 1,001 characters long; the limit is 1,000 ('Acme "
				+ "x".repeat(52) + "...')");
		assertThat(sink.rejectedIds).containsExactly("accounts.csv:3:11");
	}

	@Test
	void rejectsEndpointAndClientOverTheirLimits() throws IOException {
		write("api_key_usage.csv", "key_id,endpoint,client,last_called_at,calls\n"
				+ "1,/" + "e".repeat(2000) + ",curl,2026-11-09T12:00:00Z,1\n"
				+ "1,/api/v2/accounts/," + "c".repeat(1001) + ",2026-11-09T12:00:00Z,1\n"
				+ "1,/" + "e".repeat(1999) + "," + "c".repeat(1000) + ",2026-11-09T12:00:00Z,1\n");
		read();
		assertThat(sink.rejects).extracting(Reject::category).containsExactly("too long endpoint", "too long client");
		assertThat(sink.rejects.get(0).reason()).startsWith("endpoint is 2,001 characters long; the limit is 2,000");
		assertThat(sink.usage).hasSize(1);
	}

	@Test
	void rejectsNulControlCharactersAndBidiControlsInAnyFieldButAllowsLineBreaksInAccountNames() throws IOException {
		write("accounts.csv", "account_id,account_name,plan,state\n"
				+ "10,Nul\u0000Corp,team,active\n" // NUL
				+ "11,Esc\u001B[31mCorp,team,active\n" // an ANSI escape
				+ "12,\"Acme \u202Egnp.exe\",team,active\n" // right-to-left override
				+ "13,Isolate\u2066x\u2069,team,active\n" // isolate
				+ "14,\"Two\nlines\tand a tab\",team,active\n" // allowed in a name
				+ "15,C1\u0085Corp,team,active\n" // C1 control (NEL)
				+ "16,Sep\u2028Corp,team,active\n" // line separator
				+ "17,Zero\u200Bwidth,team,active\n" // invisible, but allowed in a name (spelled out in reports)
				+ "18,Acme,te\u0000am,active\n"); // NUL in a code
		read();
		assertThat(sink.accounts).extracting(AccountRow::accountId).containsExactly(14L, 17L);
		assertThat(sink.rejects).extracting(Reject::line).containsExactly(2L, 3L, 4L, 5L, 8L, 9L, 11L); // the name with a line break takes lines 6 and 7
		assertThat(sink.rejects.get(0).reason())
			.isEqualTo("account_name holds NUL (U+0000), which no field may hold");
		assertThat(sink.rejects.get(2).reason())
			.isEqualTo("account_name holds a bidirectional control (U+202E), which no field may hold");
		assertThat(sink.rejects.get(6).category()).isEqualTo("forbidden character in plan");
		assertThat(sink.rejects).extracting(Reject::record).allMatch(r -> r.indexOf('\0') < 0);
		assertThat(sink.rejects.get(0).record()).isEqualTo("10,Nul\\u0000Corp,team,active");
	}

	@Test
	void rejectsInvisibleAndControlCharactersInEmailsEndpointsAndClients() throws IOException {
		write("legacy_api_keys.csv", "key_id,user_id,email,api_key,created_at,last_used_at\n"
				+ "1,7,paul\u200B@example.com," + SECRET + ",2026-11-09T12:00:00Z,\n"
				+ "2,8,paul@exa\u0000mple.com," + SECRET + "2,2026-11-09T12:00:00Z,\n"
				+ "3,9,\u202Epaul@example.com," + SECRET + "3,2026-11-09T12:00:00Z,\n");
		write("api_key_usage.csv", "key_id,endpoint,client,last_called_at,calls\n"
				+ "1,/api/\u202E,curl,2026-11-09T12:00:00Z,1\n" + "1,/api,cu\u0007rl,2026-11-09T12:00:00Z,1\n");
		read();
		assertThat(sink.keys).isEmpty();
		assertThat(sink.usage).isEmpty();
		assertThat(sink.rejects).extracting(Reject::category).containsExactly("forbidden character in email",
				"forbidden character in email", "forbidden character in email", "forbidden character in endpoint",
				"forbidden character in client");
		assertThat(sink.rejects.get(0).reason()).isEqualTo(
				"email holds an invisible formatting character (U+200B), which an e-mail address may not hold");
	}

	@Test
	void rejectsALegacyKeyShorterThanSixteenCharactersWithoutQuotingIt() throws IOException {
		write("legacy_api_keys.csv", "key_id,user_id,email,api_key,created_at,last_used_at\n"
				+ "1,7,paul@example.com,Q7z!,2026-11-09T12:00:00Z,\n"
				+ "2,8,jessica@example.com,abcdefghijklmno,2026-11-09T12:00:00Z,\n"
				+ "3,9,leto@example.com,abcdefghijklmnop,2026-11-09T12:00:00Z,\n");
		read();
		assertThat(sink.keys).extracting(LegacyKeyRow::keyId).containsExactly(3L);
		assertThat(sink.rejects).extracting(Reject::reason).containsExactly(
				"api_key is 4 characters long; a legacy key has at least 16",
				"api_key is 15 characters long; a legacy key has at least 16");
		assertThat(sink.rejects).extracting(Reject::record).noneMatch(r -> r.contains("Q7z!") || r.contains("abcdefghijklmno"));
	}

	@Test
	void readsExtremeOffsetsAsTheSameInstantInUtcAndRejectsYearsOutsideOneTo9999() throws IOException {
		write("legacy_api_keys.csv", "key_id,user_id,email,api_key,created_at,last_used_at\n"
				+ "1,7,paul@example.com," + SECRET + ",2026-11-09T12:00:00+18:00,\n"
				+ "2,8,jessica@example.com," + SECRET + "2,+10000-01-01T00:00:00Z,\n"
				+ "3,9,leto@example.com," + SECRET + "3,0000-12-31T23:00:00Z,\n"
				+ "4,10,alia@example.com," + SECRET + "4,9999-12-31T23:00:00-01:00,\n");
		read();
		assertThat(sink.keys).singleElement().satisfies(k -> {
			assertThat(k.keyId()).isEqualTo(1);
			assertThat(k.createdAt()).hasToString("2026-11-08T18:00Z");
		});
		assertThat(sink.rejects).extracting(Reject::reason).containsExactly(
				"created_at is outside the years 1 to 9999", "created_at is outside the years 1 to 9999",
				"created_at is outside the years 1 to 9999"); // a key file's reasons quote no cell
	}

	@Test
	void aRejectedMembershipRowCountsAgainstItsPairOrItsUserOrNobody() throws IOException {
		write("account_memberships.csv", "user_id,account_id,license_type,permission_set,project_id\n"
				+ "5,1,developer,superuser,\n" // pair readable
				+ "5,1O,developer,admin,\n" // account garbled: the user only
				+ "6,6,developer,admin,,\n" // one field too many, user_id reads 6 wherever the comma is: the user only
				+ "u-7,1,developer,admin,\n" // nobody
				+ "7,1,developer,admin,,\n" // one field too many: user_id, the first column, is still first: the user only
				+ "7\n"); // too short, but its first field is the user_id: the user only
		read();
		assertThat(sink.rejectedGrants).containsExactly("2/5/1", "3/5/-", "4/6/-", "6/7/-", "7/7/-");
		assertThat(sink.unattributed).extracting(Reject::line).containsExactly(5L);
		assertThat(sink.unattributed.get(0).reason()).isEqualTo("user_id 'u-7' is not a positive 64-bit integer; no"
				+ " user_id can be read, so the row counts against nobody: a real run stops on it unless"
				+ " --accept-unattributed-rows");
		assertThat(sink.rejects).hasSize(6);
	}

	@Test
	void aWrongWidthRowReadsItsLastColumnFromTheEndOfTheRow() throws IOException {
		// user_id last: an unquoted comma in project_id moves it from the start (13), not from the end (5)
		write("account_memberships.csv", "account_id,license_type,permission_set,project_id,user_id\n"
				+ "1,developer,git_admin,12,13,5\n" // user 5, at user level: never user 13
				+ "1,developer,git_admin,12,5,5\n"
				+ "2,developer,admin,5\n" // a field missing: still the last field
				+ "3,developer,admin,,8,8,8\n"
				+ "3,developer,admin,,9,8,8\n");
		read();
		assertThat(sink.rejectedGrants).containsExactly("2/5/-", "3/5/-", "4/5/-", "5/8/-", "6/8/-");
		assertThat(sink.unattributed).isEmpty();
	}

	@Test
	void aWrongWidthRowCountsAgainstAUserOnlyWhenAMiddleUserIdReadsTheSameFromTheStartAndFromTheEnd()
			throws IOException {
		// user_id in the middle: an extra comma before or after it moves it, or not
		write("account_memberships.csv", "license_type,user_id,account_id,permission_set,project_id\n"
				+ "developer,5,1,git_admin,12,13\n" // 5 from the start, 1 from the end: nobody can say
				+ "developer,5,5,git_admin,12,13\n"); // 5 either way: the user only
		read();
		assertThat(sink.rejectedGrants).containsExactly("3/5/-");
		assertThat(sink.unattributed).extracting(Reject::line).containsExactly(2L);
	}

	@Test
	void aRepeatedIdIsTakenFromTheFirstColumnOfAWrongWidthRow() throws IOException {
		write("accounts.csv", "account_id,account_name,plan,state\n1,Acme,team,active\n"
				+ "1,Acme, Dev,team,active\n" // account_id is the first column: 1, whatever the name did
				+ "2,2,Beta,team,active\n");
		write("legacy_api_keys.csv", "key_id,user_id,email,api_key,created_at,last_used_at\n"
				+ "7,9,paul@example.com,ak_9f8e7d6c5b4a,39281706,2026-11-09T12:00:00Z,\n"
				+ "8,8,leto@example.com,ak_9f8e7d6c5b4a,39281706,2026-11-09T12:00:00Z,\n");
		read();
		assertThat(sink.rejectedIds).containsExactly("accounts.csv:3:1", "accounts.csv:4:2", "legacy_api_keys.csv:2:7",
				"legacy_api_keys.csv:3:8");
	}

	@Test
	void anUnclosedQuoteInTheMembershipFileBelongsToNobody() throws IOException {
		write("account_memberships.csv",
				"user_id,account_id,license_type,permission_set,project_id\n7,10,developer,admin,\n\"8,10,developer,admin,\n");
		read();
		assertThat(sink.unattributed).extracting(Reject::line).containsExactly(3L);
	}

	@Test
	void keepsTheIdsOfRejectedAccountAndKeyRows() throws IOException {
		write("accounts.csv", "account_id,account_name,plan,state\n1,Acme,team,active\n1,Acme Dev,developr,active\n"
				+ "x,Nobody,team,active\n");
		write("legacy_api_keys.csv", "key_id,user_id,email,api_key,created_at,last_used_at\n"
				+ "9,7,paul@example.com,short,2026-11-09T12:00:00Z,\n");
		read();
		assertThat(sink.rejectedIds).containsExactly("accounts.csv:3:1", "legacy_api_keys.csv:2:9");
	}

	@Test
	void aKeyFileWithoutItsHeaderRowStopsWithoutPrintingItsFirstRow() throws IOException {
		write("legacy_api_keys.csv", "1,7,paul@example.com," + SECRET + ",2026-11-09T12:00:00Z,\n");
		assertThatThrownBy(() -> Export.open(dir)).isInstanceOf(InputProblem.class)
			.hasMessage("legacy_api_keys.csv line 1: missing columns key_id, user_id, email, api_key, created_at,"
					+ " last_used_at; unknown columns #1, #2, #3, #4, #5, #6 (by position; names not shown, as this file"
					+ " holds keys) (expected: key_id,user_id,email,api_key,created_at,last_used_at)")
			.message().doesNotContain(SECRET).doesNotContain("paul");
	}

	@Test
	void masksEveryCellOfAKeyRowOfTheWrongWidthEvenDigitsAndTimestamps() throws IOException {
		// an unquoted comma cut the key into a digit piece and a timestamp-looking piece
		write("legacy_api_keys.csv", "key_id,user_id,email,api_key,created_at,last_used_at\n"
				+ "1,7,paul@example.com,1234567890123456,2026-11-09T12:00:00Z,2026-11-09T12:00:00Z,\n");
		read();
		assertThat(onlyReject().record())
			.isEqualTo("[redacted],[redacted],[redacted],[redacted],[redacted],[redacted],[redacted]");
	}

	@Test
	void aRejectedKeyRowShowsOnlyCellsValidForTheirColumnAndItsReasonQuotesNoCell() throws IOException {
		// the right width, but an unquoted comma plus a missing field put a piece of the key in another column
		write("legacy_api_keys.csv", "key_id,user_id,email,api_key,created_at,last_used_at\n"
				+ "13,7,u7@example.com,ak_SECRET,KEYSEVENPART2xyz,2024-01-01T00:00:00Z\n"
				+ "14,8,ak_SECRETKEYEIGHT,PART2abcdefghij,2024-01-01T00:00:00Z,\n"
				+ "15,9,u9@example.com,ak_SECRETKEYNINE0000,KEYNINEPART2,\n"
				+ "16,x1,u10@example.com,ak_SECRETKEYTEN00000,2024-01-01T00:00:00Z,\n");
		read();
		assertThat(sink.rejects).extracting(Reject::record).containsExactly(
				"13,7,u7@example.com,[redacted],[redacted],2024-01-01T00:00:00Z",
				"14,8,[redacted],[redacted],2024-01-01T00:00:00Z,",
				"15,9,u9@example.com,[redacted],[redacted],",
				"16,[redacted],u10@example.com,[redacted],2024-01-01T00:00:00Z,");
		assertThat(sink.rejects).extracting(Reject::reason).containsExactly(
				"api_key is 9 characters long; a legacy key has at least 16", "email is not an email address",
				"created_at is not an ISO-8601 timestamp with offset", "user_id is not a positive 64-bit integer");
		for (Reject r : sink.rejects) {
			assertThat(r.record() + r.reason()).doesNotContain("SECRET").doesNotContain("PART2").doesNotContain("x1");
		}
	}

	@Test
	void rejectsAnEmailLongerThanItsLimitOnceLowerCased() throws IOException {
		String dotted = "\u0130".repeat(160) + "@e.com"; // "İ" lower-cases to two characters: 326 once lower-cased
		String fits = "\u0130".repeat(157) + "@e.com"; // 320 once lower-cased
		write("legacy_api_keys.csv", "key_id,user_id,email,api_key,created_at,last_used_at\n"
				+ "1,7," + dotted + "," + SECRET + ",2026-11-09T12:00:00Z,\n"
				+ "2,8," + fits + "," + SECRET + "2,2026-11-09T12:00:00Z,\n");
		read();
		assertThat(sink.keys).extracting(LegacyKeyRow::keyId).containsExactly(2L);
		assertThat(onlyReject().category()).isEqualTo("too long email");
		assertThat(onlyReject().reason()).isEqualTo("email is 326 characters long when lower-cased; the limit is 320");
	}

	@Test
	void cutsAVeryLongRejectedRecordToAStorableLengthWithAMarker() throws IOException {
		write("accounts.csv", "account_id,account_name,plan,state\n10," + "y".repeat(150_000) + ",team\n");
		read();
		String record = onlyReject().record();
		assertThat(record).hasSize(100_000).startsWith("10,yyy")
			.endsWith(" [truncated: 150,008 characters in all]");
	}
}
