package io.keyshift.notify;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotificationPayloadTests {

	private static final String TOKEN = "dbtu_" + "a".repeat(49);

	private final NotificationPayload payload = new NotificationPayload("TOKENS_ISSUED", 7, "u@example.com",
			List.of(new NotificationPayload.TokenEntry(1201, "Acme", "Migrated", "aaaa", "developer@all", TOKEN)),
			List.of(), List.of());

	@Test
	void thePlainJsonHandedToTheSealerHoldsTheTokenAndIsWipedAfterwards() {
		byte[][] seen = new byte[1][];
		boolean heldToken = payload.sealed(json -> {
			seen[0] = json;
			return new String(json, StandardCharsets.UTF_8).contains(TOKEN);
		});
		assertThat(heldToken).isTrue();
		assertThat(seen[0]).isNotEmpty().containsOnly((byte) 0);
	}

	@Test
	void theJsonIsWipedAlsoWhenSealingFails() {
		byte[][] seen = new byte[1][];
		assertThatThrownBy(() -> payload.sealed(json -> {
			seen[0] = json;
			throw new IllegalStateException("no cipher");
		})).hasMessage("no cipher");
		assertThat(seen[0]).isNotEmpty().containsOnly((byte) 0);
	}
}
