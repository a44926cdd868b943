package io.keyshift.migration;

/** A PAT an earlier run created for this legacy key and account: its id, hint and permissions. */
public record ExistingToken(String tokenId, String hint, String permissions) {
}
