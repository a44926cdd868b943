package io.keyshift.store;

import java.util.List;
import java.util.UUID;

import io.keyshift.migration.NotificationKind;

/**
 * A notification to queue: its payload is already sealed (AES-GCM, base64), so it may hold token
 * values. {@code deliveredTokens} are the ids of the tokens whose values it carries: delivering it
 * writes their DELIVERED events.
 */
public record PendingNotification(UUID id, long userId, String email, NotificationKind kind, String sealedPayload,
		List<UUID> deliveredTokens) {

	public PendingNotification {
		deliveredTokens = List.copyOf(deliveredTokens);
	}

	public PendingNotification(UUID id, long userId, String email, NotificationKind kind, String sealedPayload) {
		this(id, userId, email, kind, sealedPayload, List.of());
	}

	@Override
	public String toString() {
		return "PendingNotification[id=" + id + ", userId=" + userId + ", kind=" + kind + "]";
	}
}
