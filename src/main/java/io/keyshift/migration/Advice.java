package io.keyshift.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Notes for the report from how a legacy key was used: the key called a list endpoint whose answer
 * changes with account-scoped tokens, the caller looks like automation (better served by a service
 * token), or the user gets more than one PAT.
 */
public final class Advice {

	public static final String CROSS_ACCOUNT_ENDPOINT = "CROSS_ACCOUNT_ENDPOINT";

	public static final String SERVICE_TOKEN_RECOMMENDED = "SERVICE_TOKEN_RECOMMENDED";

	public static final String MULTI_ACCOUNT = "MULTI_ACCOUNT";

	private static final Set<String> CROSS_ACCOUNT_PATHS = Set.of("/api/v2/accounts", "/api/v3/accounts",
			"/v2/accounts", "/v3/accounts");

	private final List<String> automationClients;

	/** @param automationClients lower-case fragments of client names that mean automation ("terraform") */
	public Advice(List<String> automationClients) {
		this.automationClients = automationClients.stream().map(c -> c.toLowerCase(Locale.ROOT)).toList();
	}

	/** The notes for every row of this user's report, in a fixed order; empty when none applies. */
	public List<String> notes(UserCase user, List<Decision> decisions) {
		List<String> notes = new ArrayList<>(3);
		if (user.usage().stream().anyMatch(u -> isCrossAccount(u.endpoint()))) {
			notes.add(CROSS_ACCOUNT_ENDPOINT);
		}
		if (user.usage().stream().anyMatch(u -> isAutomation(u.client()))) {
			notes.add(SERVICE_TOKEN_RECOMMENDED);
		}
		long tokens = decisions.stream()
			.filter(d -> d.outcome() == Outcome.CREATED || d.outcome() == Outcome.WOULD_CREATE
					|| d.outcome() == Outcome.ALREADY_MIGRATED)
			.count();
		if (tokens > 1) {
			notes.add(MULTI_ACCOUNT);
		}
		return notes;
	}

	static boolean isCrossAccount(String endpoint) {
		String path = endpoint.strip();
		int query = path.indexOf('?');
		if (query >= 0) {
			path = path.substring(0, query);
		}
		while (path.endsWith("/") && path.length() > 1) {
			path = path.substring(0, path.length() - 1);
		}
		return CROSS_ACCOUNT_PATHS.contains(path.toLowerCase(Locale.ROOT));
	}

	boolean isAutomation(String client) {
		String c = client == null ? "" : client.toLowerCase(Locale.ROOT);
		return automationClients.stream().anyMatch(c::contains);
	}
}
