package io.keyshift.notify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a notification says, before it is sealed: for TOKENS_ISSUED one entry per new PAT, with the
 * token value shown once; for NO_TOKEN_ISSUED the reason per account; for TOKENS_CHANGED (and beside
 * new tokens) each earlier PAT whose permissions changed or that was revoked; and where the old key
 * was used. The message text around it (the migration steps) is rendered at delivery. {@code toString()}
 * never shows a token value.
 */
public record NotificationPayload(String kind, long userId, String email, List<TokenEntry> tokens,
		List<SkippedEntry> skipped, List<UsageEntry> usage, List<ChangeEntry> changes) {

	/** A payload that changes no earlier token. */
	public NotificationPayload(String kind, long userId, String email, List<TokenEntry> tokens,
			List<SkippedEntry> skipped, List<UsageEntry> usage) {
		this(kind, userId, email, tokens, skipped, usage, List.of());
	}

	/**
	 * A change to a PAT of an earlier run (SPEC §6): {@code change} is UPDATED (permissions
	 * {@code before} and {@code after}) or REVOKED ({@code before} and the {@code reason} code).
	 * No token value: the token itself is unchanged, or stops working.
	 */
	public record ChangeEntry(long accountId, String accountName, String change, String hint, String before,
			String after, String reason) {
	}

	private static final ObjectMapper JSON = new ObjectMapper();

	/** A new PAT: the account, its name, hint and permissions, and the value, shown once. */
	public record TokenEntry(long accountId, String accountName, String name, String hint, String permissions,
			String token) {

		@Override
		public String toString() {
			return "TokenEntry[accountId=" + accountId + ", name=" + name + ", hint=" + hint + ", token=[redacted]]";
		}
	}

	/** An account for which no token could be issued, and why. */
	public record SkippedEntry(Long accountId, String accountName, String reason) {
	}

	/** Where the legacy key was used: the seed's first migration step, done for the user. */
	public record UsageEntry(String endpoint, String client, String lastCalledAt, long calls) {
	}

	public byte[] toJson() {
		try {
			return JSON.writeValueAsBytes(this);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("notification payload cannot be written", ex);
		}
	}

	/**
	 * Hands the JSON to {@code seal} (which encrypts it) and wipes the bytes afterwards, whatever
	 * happens: they hold every token of the user in plain text, as Deliverer's decrypted copy does.
	 */
	public <T> T sealed(Function<byte[], T> seal) {
		byte[] json = toJson();
		try {
			return seal.apply(json);
		}
		finally {
			Arrays.fill(json, (byte) 0);
		}
	}

	public static NotificationPayload fromJson(byte[] json) {
		try {
			return JSON.readValue(json, NotificationPayload.class);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("notification payload cannot be read", ex);
		}
	}

	@Override
	public String toString() {
		return "NotificationPayload[kind=" + kind + ", userId=" + userId + ", tokens=" + tokens + "]";
	}
}
