package io.keyshift.token;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DeliveryCipherTests {

	private static final String NOTIFICATION = "notification:41:user:7";

	private static final byte[] PAYLOAD = "{\"token\":\"dbtu_the-token-value\"}".getBytes(StandardCharsets.UTF_8);

	private final DeliveryCipher cipher = new DeliveryCipher(randomKey(), new SecureRandom());

	@Test
	void decryptsWhatItEncryptedWithTheSameAssociatedData() {
		byte[] sealed = cipher.encrypt(PAYLOAD, NOTIFICATION);
		assertThat(cipher.decrypt(sealed, NOTIFICATION)).isEqualTo(PAYLOAD);
	}

	@Test
	void sealedPayloadIsNonceThenCiphertextThenTagAndHidesThePlaintext() {
		byte[] sealed = cipher.encrypt(PAYLOAD, NOTIFICATION);
		assertThat(sealed).hasSize(12 + PAYLOAD.length + 16);
		assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("dbtu_").doesNotContain("token");
	}

	@Test
	void anEmptyPayloadRoundTrips() {
		assertThat(cipher.decrypt(cipher.encrypt(new byte[0], NOTIFICATION), NOTIFICATION)).isEmpty();
	}

	@Test
	void twoEncryptionsOfTheSamePlaintextDiffer() {
		byte[] first = cipher.encrypt(PAYLOAD, NOTIFICATION);
		byte[] second = cipher.encrypt(PAYLOAD, NOTIFICATION);
		assertThat(first).isNotEqualTo(second);
		assertThat(Arrays.copyOf(first, 12)).as("nonce").isNotEqualTo(Arrays.copyOf(second, 12));
	}

	@Test
	void aPayloadMovedToAnotherUsersRowDoesNotDecrypt() {
		byte[] sealed = cipher.encrypt(PAYLOAD, NOTIFICATION);
		assertThatIllegalArgumentException().isThrownBy(() -> cipher.decrypt(sealed, "notification:41:user:8"))
			.withMessageContaining("cannot be decrypted");
		assertThatIllegalArgumentException().isThrownBy(() -> cipher.decrypt(sealed, "notification:42:user:7"))
			.withMessageContaining("cannot be decrypted");
	}

	@Test
	void anotherKeyCannotDecrypt() {
		byte[] sealed = cipher.encrypt(PAYLOAD, NOTIFICATION);
		DeliveryCipher other = new DeliveryCipher(randomKey(), new SecureRandom());
		assertThatIllegalArgumentException().isThrownBy(() -> other.decrypt(sealed, NOTIFICATION))
			.withMessageContaining("cannot be decrypted")
			.withMessageContaining("wrong delivery key");
	}

	@Test
	void aTamperedByteAnywhereFailsToDecrypt() {
		byte[] sealed = cipher.encrypt(PAYLOAD, NOTIFICATION);
		// First nonce byte, a ciphertext byte, the last tag byte.
		for (int i : new int[] { 0, 12 + 5, sealed.length - 1 }) {
			byte[] tampered = sealed.clone();
			tampered[i] ^= 1;
			assertThatIllegalArgumentException().as("byte %d", i)
				.isThrownBy(() -> cipher.decrypt(tampered, NOTIFICATION))
				.withMessageContaining("cannot be decrypted");
		}
	}

	@Test
	void aTruncatedPayloadFailsToDecrypt() {
		byte[] sealed = cipher.encrypt(PAYLOAD, NOTIFICATION);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> cipher.decrypt(Arrays.copyOf(sealed, sealed.length - 1), NOTIFICATION))
			.withMessageContaining("cannot be decrypted");
		assertThatIllegalArgumentException().isThrownBy(() -> cipher.decrypt(new byte[27], NOTIFICATION))
			.withMessageContaining("cannot be decrypted");
	}

	@Test
	void failureMessagesCarryNothingOfThePayload() {
		byte[] sealed = cipher.encrypt(PAYLOAD, NOTIFICATION);
		assertThatIllegalArgumentException().isThrownBy(() -> cipher.decrypt(sealed, "other"))
			.withMessageNotContaining("dbtu_")
			.withMessageNotContaining("token-value")
			.withMessageNotContaining(NOTIFICATION)
			.withNoCause();
	}

	@Test
	void oneCipherSharedByManyThreadsRoundTripsEveryPayload() {
		List<Boolean> ok = IntStream.range(0, 2_000).parallel().mapToObj(i -> {
			byte[] payload = ("payload " + i).getBytes(StandardCharsets.UTF_8);
			String ad = "notification:" + i + ":user:" + i;
			return Arrays.equals(cipher.decrypt(cipher.encrypt(payload, ad), ad), payload);
		}).toList();
		assertThat(ok).hasSize(2_000).containsOnly(true);
	}

	private static DeliveryKey randomKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return DeliveryKey.of(key);
	}
}
