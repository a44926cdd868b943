package io.keyshift.notify;

import java.util.List;

import io.keyshift.claim.ClaimLink;
import io.keyshift.notify.NotificationPayload.SkippedEntry;
import io.keyshift.notify.NotificationPayload.TokenEntry;
import io.keyshift.notify.NotificationPayload.UsageEntry;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MessageRendererTests {

	private static final String TOKEN_A = "dbtu_" + "A".repeat(43) + "000001";

	private static final String TOKEN_B = "dbtu_" + "B".repeat(43) + "000002";

	private final MessageRenderer renderer = new MessageRenderer();

	private static NotificationPayload tokensIssued(List<UsageEntry> usage) {
		return new NotificationPayload("TOKENS_ISSUED", 42, "ana@example.com",
				List.of(new TokenEntry(1201, "Spice Harvesting", "Migrated from legacy API key 7", "0001",
						"admin@12;admin@15;developer@all", TOKEN_A),
						new TokenEntry(1300, "Guild <Navigators> & \"Co\"", "Migrated from legacy API key 7", "0002",
								"job_viewer@99", TOKEN_B)),
				List.of(), usage);
	}

	@Test
	void tokensIssuedListsEveryTokenWithAccountNameHintPermissionsAndValueInTextAndHtml() {
		RenderedMessage m = renderer.render(tokensIssued(List.of()));

		assertThat(m.subject()).contains("personal access tokens");
		assertThat(m.text()).contains(TOKEN_A, TOKEN_B, "Spice Harvesting (account 1201)", "(account 1300)",
				"Migrated from legacy API key 7", "0001", "0002",
				"admin on projects 12, 15; developer on all projects", "job_viewer on project 99");
		assertThat(m.html()).contains(TOKEN_A, TOKEN_B, "Spice Harvesting (account 1201)",
				"admin on projects 12, 15; developer on all projects");
	}

	@Test
	void linkModeNamesEveryTokenAndCarriesTheLinkButNoTokenValue() {
		ClaimLink link = new ClaimLink(java.util.UUID.fromString("7d4f2b9e-0c1a-4e8f-9b3d-2a6c5e1f0a9b"),
				"https://keys.example.com/claim/7d4f2b9e-0c1a-4e8f-9b3d-2a6c5e1f0a9b#" + "c".repeat(43),
				"c".repeat(43), java.time.OffsetDateTime.parse("2026-12-14T17:05:00Z"), false);
		RenderedMessage m = renderer.render(tokensIssued(List.of()), link);

		assertThat(m.text() + m.html()).doesNotContain(TOKEN_A, TOKEN_B, "dbtu_");
		assertThat(m.text()).contains("We never send tokens by e-mail", link.url(), "until 14 December 2026, 17:05 UTC",
				"paste this one: " + "c".repeat(43), "current legacy API key", "Spice Harvesting (account 1201)",
				"Migrated from legacy API key 7", "0001", "0002", "admin on projects 12, 15; developer on all projects",
				"What to do now");
		assertThat(m.html()).contains("<a href=\"" + link.url() + "\">", "Guild &lt;Navigators&gt; &amp; &quot;Co&quot;");
		assertThat(link.toString()).doesNotContain("c".repeat(43));
	}

	@Test
	void linkModeLeavesMessagesWithoutSecretsAsTheyAre() {
		NotificationPayload none = new NotificationPayload("NO_TOKEN_ISSUED", 42, "ana@example.com", List.of(),
				List.of(new SkippedEntry(1201L, "Spice", "PLAN_NOT_ELIGIBLE")), List.of());
		ClaimLink link = new ClaimLink(java.util.UUID.randomUUID(), "https://k.example.com/claim/x#y", "y",
				java.time.OffsetDateTime.parse("2026-12-14T17:05:00Z"), false);
		assertThat(renderer.render(none, link)).isEqualTo(renderer.render(none));
		assertThat(renderer.render(none, link).text()).doesNotContain("https://k.example.com");
	}

	@Test
	void theOneTokenPerAccountStepReadsAsSentencesForOneTokenAndForSeveral() {
		NotificationPayload one = new NotificationPayload("TOKENS_ISSUED", 42, "ana@example.com",
				List.of(new TokenEntry(1201, "Spice Harvesting", "Migrated from legacy API key 7", "0001", "admin@all",
						TOKEN_A)),
				List.of(), List.of());

		assertThat(renderer.render(one).text()).contains("works only in the account it was made for. Where one legacy"
				+ " key served several accounts");
		assertThat(renderer.render(tokensIssued(List.of())).text()).contains("works only in the account it was made"
				+ " for; you have 2 above, one for each account. Where one legacy key");
	}

	@Test
	void tokensIssuedWarnsToCopyTheTokenNowBecauseItIsNotShownAgain() {
		RenderedMessage m = renderer.render(tokensIssued(List.of()));

		assertThat(m.text()).contains("Copy each token now").contains("will not be shown again");
		assertThat(m.text().indexOf("will not be shown again")).isLessThan(m.text().indexOf(TOKEN_A));
		assertThat(m.html()).contains("will not be shown again");
	}

	@Test
	void htmlEscapesEveryValueFromThePayload() {
		NotificationPayload payload = new NotificationPayload("TOKENS_ISSUED", 42, "ana@example.com",
				List.of(new TokenEntry(1, "<script>alert(1)</script>", "n'ame & \"q\"", "0001", "admin@all", TOKEN_A)),
				List.of(), List.of(new UsageEntry("/api/v2/<x>", "curl/8 <img src=x>", null, 1)));

		RenderedMessage m = renderer.render(payload);

		assertThat(m.html()).doesNotContain("<script>", "<img", "<x>", "n'ame & \"q\"")
			.contains("&lt;script&gt;alert(1)&lt;/script&gt;", "n&#39;ame &amp; &quot;q&quot;",
					"curl/8 &lt;img src=x&gt;");
		assertThat(m.text()).contains("<script>alert(1)</script>");
	}

	@Test
	void spellsOutBidiOverridesAndInvisibleCharactersOfAccountNamesAndUsageInTextAndHtml() {
		// U+202E (right-to-left override) would show "Acme gnp.exe" as "Acme exe.png"; U+200B is invisible
		NotificationPayload payload = new NotificationPayload("TOKENS_ISSUED", 42, "ana@example.com",
				List.of(new TokenEntry(1, "Acme \u202Egnp.exe", "name", "0001", "admin@all", TOKEN_A)), List.of(),
				List.of(new UsageEntry("/api/\u2066v2", "cu\u200Brl", null, 1)));

		RenderedMessage m = renderer.render(payload);

		for (String body : List.of(m.text(), m.html())) {
			assertThat(body).doesNotContain("\u202E", "\u2066", "\u200B")
				.contains("Acme \\u202Egnp.exe (account 1)", "/api/\\u2066v2", "cu\\u200Brl");
		}
	}

	@Test
	void bothKindsCarryTheMigrationSteps() {
		RenderedMessage tokens = renderer.render(tokensIssued(List.of()));
		RenderedMessage none = renderer.render(new NotificationPayload("NO_TOKEN_ISSUED", 9, "bo@example.com",
				List.of(), List.of(new SkippedEntry(5L, "Dev shop", "PLAN_NOT_ELIGIBLE")), List.of()));

		for (RenderedMessage m : List.of(tokens, none)) {
			assertThat(m.text()).contains("everywhere it is used", "per account", "service tokens",
					"/v2/accounts and /v3/accounts now return only the account of the token");
			assertThat(m.html()).contains("service tokens", "/v2/accounts and /v3/accounts");
		}
		assertThat(tokens.text()).contains("you have 2 above, one for each account");
	}

	@Test
	void listsWhereTheLegacyKeyWasUsedWhenTheExportSaysSo() {
		RenderedMessage m = renderer.render(tokensIssued(
				List.of(new UsageEntry("/api/v3/accounts/", "terraform/1.6.0", "2026-11-01T10:00Z", 1234),
						new UsageEntry("/api/v2/jobs/", "python-requests/2.31", null, 1))));

		assertThat(m.text()).contains("It was used recently here:",
				"/api/v3/accounts/ from terraform/1.6.0, last call 2026-11-01T10:00Z (1,234 calls)",
				"/api/v2/jobs/ from python-requests/2.31 (1 call)");
		assertThat(m.html()).contains("/api/v3/accounts/ from terraform/1.6.0");
	}

	@Test
	void withoutUsageAsksTheUserToListThePlacesThemselves() {
		RenderedMessage m = renderer.render(tokensIssued(List.of()));

		assertThat(m.text()).contains("Make a list of every place").doesNotContain("It was used recently here");
	}

	@Test
	void noTokenIssuedGivesEachAccountsReasonInPlainWordsNotCodes() {
		RenderedMessage m = renderer.render(new NotificationPayload("NO_TOKEN_ISSUED", 9, "bo@example.com", List.of(),
				List.of(new SkippedEntry(5L, "Dev shop", "PLAN_NOT_ELIGIBLE"),
						new SkippedEntry(6L, "Old corp", "ACCOUNT_INACTIVE"),
						new SkippedEntry(7L, null, "NO_DEVELOPER_LICENSE")),
				List.of()));

		assertThat(m.subject()).contains("no personal access token could be issued");
		assertThat(m.text()).contains("Dev shop (account 5): the account is on the Developer plan",
				"Old corp (account 6): the account is locked or deleted",
				"Account 7: you do not have a developer license in this account")
			.doesNotContain("PLAN_NOT_ELIGIBLE", "ACCOUNT_INACTIVE", "NO_DEVELOPER_LICENSE", "dbtu_");
	}

	@Test
	void noMembershipsIsAUserLevelReason() {
		RenderedMessage m = renderer.render(new NotificationPayload("NO_TOKEN_ISSUED", 9, "bo@example.com", List.of(),
				List.of(new SkippedEntry(null, null, "NO_MEMBERSHIPS")), List.of()));

		assertThat(m.text()).contains("You are not a member of any account").doesNotContain("NO_MEMBERSHIPS");
	}

	@Test
	void previewShowsKindUserAndEmailAndSaysTokensAreWithheld() {
		RenderedMessage m = renderer.renderPreview("TOKENS_ISSUED", 42, "ana@example.com");

		assertThat(m.subject()).isEqualTo(renderer.render(tokensIssued(List.of())).subject());
		assertThat(m.text()).contains("ana@example.com", "user 42", "TOKENS_ISSUED", "withheld", "service tokens")
			.doesNotContain("dbtu_");
		assertThat(m.html()).contains("withheld");
	}

	@Test
	void previewOfNoTokenIssuedHasItsOwnSubject() {
		assertThat(renderer.renderPreview("NO_TOKEN_ISSUED", 9, "bo@example.com").subject())
			.contains("no personal access token could be issued");
	}

	@Test
	void refusesAnUnknownKindAndATokensMessageWithoutTokens() {
		assertThatThrownBy(() -> renderer.renderPreview("SOMETHING", 1, "x@example.com"))
			.isInstanceOf(IllegalArgumentException.class);
		assertThatThrownBy(() -> renderer.render(new NotificationPayload("TOKENS_ISSUED", 1, "x@example.com",
				List.of(), List.of(), List.of())))
			.isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void renderedMessageToStringHidesTheBody() {
		RenderedMessage m = renderer.render(tokensIssued(List.of()));

		assertThat(m.toString()).doesNotContain("dbtu_");
		assertThat(m.addressed("keyshift@example.com", "ana@example.com").toString()).doesNotContain("dbtu_");
	}

	@Test
	void tokensChangedGivesBeforeAndAfterOrTheRevocationReasonInWordsPerAccount() {
		NotificationPayload changed = new NotificationPayload("TOKENS_CHANGED", 42, "ana@example.com", List.of(),
				List.of(), List.of(),
				List.of(new NotificationPayload.ChangeEntry(1001, "Northwind <Traders>", "UPDATED", "9f3a",
						"admin@12;admin@15;developer@all", "readonly@all", null),
						new NotificationPayload.ChangeEntry(1008, "Globex", "REVOKED", "77ab", "developer@all", null,
								"MEMBERSHIP_REMOVED"),
						new NotificationPayload.ChangeEntry(1010, "Initech", "REVOKED", "0c0c", "admin@all", null,
								"NO_DEVELOPER_LICENSE")));

		RenderedMessage m = renderer.render(changed);

		assertThat(m.subject()).isEqualTo("Your personal access tokens changed");
		assertThat(m.text()).contains(
				"Northwind <Traders> (account 1001): the permissions of the token ending in 9f3a now match yours."
						+ " Before: admin on projects 12, 15; developer on all projects. Now: readonly on all projects.",
				"Globex (account 1008): the token ending in 77ab was revoked because you are no longer a member of"
						+ " this account. It had: developer on all projects.",
				"Initech (account 1010): the token ending in 0c0c was revoked because you do not have a developer"
						+ " license in this account");
		assertThat(m.html()).contains("Northwind &lt;Traders&gt;").doesNotContain("Northwind <Traders>");
	}

	@Test
	void tokensIssuedAlsoListsTheChangesToEarlierTokens() {
		NotificationPayload both = new NotificationPayload("TOKENS_ISSUED", 42, "ana@example.com",
				List.of(new TokenEntry(1201, "Spice Harvesting", "Migrated from legacy API key 7", "0001", "admin@all",
						TOKEN_A)),
				List.of(), List.of(), List.of(new NotificationPayload.ChangeEntry(1008, "Globex", "REVOKED", "77ab",
						"developer@all", null, "ACCOUNT_INACTIVE")));

		assertThat(renderer.render(both).text()).contains(TOKEN_A, "Changes to your existing tokens",
				"Globex (account 1008): the token ending in 77ab was revoked because the account is locked or deleted");
	}
}
