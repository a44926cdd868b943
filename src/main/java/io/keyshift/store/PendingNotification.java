package io.keyshift.store;

import java.util.UUID;

import io.keyshift.migration.NotificationKind;

/** A notification to queue: its payload is already sealed (AES-GCM, base64), so it may hold token values. */
public record PendingNotification(UUID id, long userId, String email, NotificationKind kind, String sealedPayload) {

	@Override
	public String toString() {
		return "PendingNotification[id=" + id + ", userId=" + userId + ", kind=" + kind + "]";
	}
}
