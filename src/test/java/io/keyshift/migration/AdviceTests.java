package io.keyshift.migration;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AdviceTests {

	private final Advice advice = new Advice(List.of("terraform", "python-requests"));

	private static UserCase userWithUsage(KeyUsage... usage) {
		return new UserCase(7, 70, "paul@example.com", 1, false, null, List.of(), List.of(usage));
	}

	private static KeyUsage used(String endpoint, String client) {
		return new KeyUsage(endpoint, client, OffsetDateTime.parse("2026-11-01T10:00:00Z"), 3);
	}

	private static Decision decision(Outcome outcome) {
		Account a = new Account(1, "A", Plan.TEAM, AccountState.ACTIVE);
		return new Decision(1L, a, outcome, null, List.of(), null);
	}

	@Test
	void flagsTheListEndpointsWhoseAnswerChanges() {
		assertThat(advice.notes(userWithUsage(used("/api/v2/accounts/", "dbt-cloud-cli/0.38")), List.of()))
			.containsExactly(Advice.CROSS_ACCOUNT_ENDPOINT);
		assertThat(advice.notes(userWithUsage(used("/api/v3/accounts?limit=5", "dbt-cloud-cli/0.38")), List.of()))
			.containsExactly(Advice.CROSS_ACCOUNT_ENDPOINT);
	}

	@Test
	void doesNotFlagAccountScopedEndpoints() {
		assertThat(advice.notes(userWithUsage(used("/api/v2/accounts/12/runs/", "dbt-cloud-cli/0.38")), List.of()))
			.isEmpty();
	}

	@Test
	void recommendsServiceTokensForAutomationClientsIgnoringCase() {
		assertThat(advice.notes(userWithUsage(used("/api/v2/accounts/12/jobs/", "Terraform-Provider-dbtcloud/0.3")),
				List.of()))
			.containsExactly(Advice.SERVICE_TOKEN_RECOMMENDED);
	}

	@Test
	void marksUsersWhoGetMoreThanOneToken() {
		UserCase u = userWithUsage();
		assertThat(advice.notes(u, List.of(decision(Outcome.CREATED), decision(Outcome.ALREADY_MIGRATED))))
			.containsExactly(Advice.MULTI_ACCOUNT);
		assertThat(advice.notes(u, List.of(decision(Outcome.CREATED), decision(Outcome.SKIPPED)))).isEmpty();
	}

	@Test
	void listsNotesInAFixedOrder() {
		UserCase u = userWithUsage(used("/api/v2/accounts/", "python-requests/2.31"));
		assertThat(advice.notes(u, List.of(decision(Outcome.WOULD_CREATE), decision(Outcome.WOULD_CREATE))))
			.containsExactly(Advice.CROSS_ACCOUNT_ENDPOINT, Advice.SERVICE_TOKEN_RECOMMENDED, Advice.MULTI_ACCOUNT);
	}
}
