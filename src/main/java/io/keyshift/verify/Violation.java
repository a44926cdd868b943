package io.keyshift.verify;

/**
 * One broken invariant, as {@code keyshift verify} lists it: which rule ({@code invariant}) and
 * where, in words. Never a secret: ids, statuses, permissions and hints only.
 */
public record Violation(String invariant, String detail) {

	public static final String ONE_ACTIVE_PAT_PER_PAIR = "one ACTIVE personal access token per (user, account)";

	public static final String NORMALISED_PERMISSIONS = "permissions normalised (SPEC §3.1)";

	public static final String DELIVERED_WITHOUT_PAYLOAD = "a delivered notification holds no payload";

	public static final String KEY_STATUS_AGREES = "legacy key status agrees with its user's decisions (SPEC §5)";

	public static final String TOKEN_AGREES_WITH_EVENTS = "a token's state agrees with its token_event history";

	public static final String PERMISSIONS_MATCH_EXPORT = "ACTIVE tokens carry what the export gives (SPEC §3)";

	@Override
	public String toString() {
		return invariant + ": " + detail;
	}
}
