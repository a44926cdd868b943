package io.keyshift.claim;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * What a link-mode message carries instead of the tokens: the page's address with the claim secret
 * in its fragment (a browser never sends a fragment to the server, so it reaches no access log), the
 * same secret as a code to paste where the page's script does not run, and when the link expires.
 * {@code keyCheckWaived}: the operator waived the legacy key check for this link.
 * {@code toString()} shows neither the URL nor the code.
 */
public record ClaimLink(UUID claimId, String url, String code, OffsetDateTime expiresAt, boolean keyCheckWaived) {

	@Override
	public String toString() {
		return "ClaimLink[claimId=" + claimId + ", expiresAt=" + expiresAt + ", secret=[redacted]]";
	}
}
