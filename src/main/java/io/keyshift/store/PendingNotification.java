package io.keyshift.store;

import java.util.UUID;

import io.keyshift.migration.NotificationKind;

/**
 * A notification to queue: its payload is already sealed (AES-GCM, base64), so it may hold token
 * values; {@code deliveryKeyId} names the key it was sealed with ({@code DeliveryKey.id()}).
 */
public record PendingNotification(UUID id, long userId, String email, NotificationKind kind, String sealedPayload,
		String deliveryKeyId) {

	@Override
	public String toString() {
		return "PendingNotification[id=" + id + ", userId=" + userId + ", kind=" + kind + "]";
	}
}
