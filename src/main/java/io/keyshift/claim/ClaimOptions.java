package io.keyshift.claim;

import java.util.List;

/**
 * The claim options of {@code deliver}: {@code --mode link|token} (link, the default: messages carry
 * a one-time claim link instead of the tokens), {@code --reissue USER_ID...} (fresh links for these
 * users, their old ones dead), {@code --waive-key-check} (with --reissue: the new links show the
 * tokens without the legacy key), {@code --reissue-expired} (fresh links for expired, unclaimed ones).
 */
public record ClaimOptions(boolean tokenMode, List<Long> reissue, boolean waiveKeyCheck, boolean reissueExpired) {

	public static final ClaimOptions DEFAULT = new ClaimOptions(false, List.of(), false, false);

	public ClaimOptions {
		reissue = List.copyOf(reissue);
	}

	/** What is wrong with this combination, in the usage message's words; null when fine. */
	public String problem(boolean dryRun) {
		if (tokenMode && (!reissue.isEmpty() || reissueExpired || waiveKeyCheck)) {
			return "--reissue, --reissue-expired and --waive-key-check send claim links: leave out --mode token";
		}
		if (waiveKeyCheck && reissue.isEmpty()) {
			return "--waive-key-check goes with --reissue USER_ID... (the users whose new link needs no legacy key)";
		}
		if (dryRun && (!reissue.isEmpty() || reissueExpired)) {
			return "--reissue and --reissue-expired change which links work, and --dry-run changes nothing: give one"
					+ " of them";
		}
		return null;
	}
}
