package io.keyshift.token;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

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
	void sealedPayloadIsNonceThenCiphertextThenTagAndHidesThePlaintext() throws Exception {
		byte[] raw = randomBytes(32);
		byte[] nonce = randomBytes(12);
		byte[] sealed = new DeliveryCipher(DeliveryKey.of(raw), drawing(nonce)).encrypt(PAYLOAD, NOTIFICATION);

		assertThat(sealed).hasSize(12 + PAYLOAD.length + 16);
		assertThat(Arrays.copyOf(sealed, 12)).as("the nonce, as drawn from the SecureRandom").isEqualTo(nonce);
		assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("dbtu_").doesNotContain("token");
		// plain JDK AES-GCM, not DeliveryCipher, reads it: the first 12 bytes are the IV, the rest ciphertext
		// and 128-bit tag, the associated data the UTF-8 bytes of the notification's identity
		Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
		aes.init(Cipher.DECRYPT_MODE, new SecretKeySpec(raw, "AES"), new GCMParameterSpec(128, sealed, 0, 12));
		aes.updateAAD(NOTIFICATION.getBytes(StandardCharsets.UTF_8));
		assertThat(aes.doFinal(sealed, 12, sealed.length - 12)).isEqualTo(PAYLOAD);
	}

	@Test
	void opensWhatPlainAesGcmSealedInTheDocumentedForm() throws Exception {
		byte[] raw = randomBytes(32);
		byte[] nonce = randomBytes(12);
		Cipher aes = Cipher.getInstance("AES/GCM/NoPadding");
		aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(raw, "AES"), new GCMParameterSpec(128, nonce));
		aes.updateAAD(NOTIFICATION.getBytes(StandardCharsets.UTF_8));
		byte[] ciphertextAndTag = aes.doFinal(PAYLOAD);
		byte[] sealed = new byte[12 + ciphertextAndTag.length];
		System.arraycopy(nonce, 0, sealed, 0, 12);
		System.arraycopy(ciphertextAndTag, 0, sealed, 12, ciphertextAndTag.length);

		assertThat(new DeliveryCipher(DeliveryKey.of(raw), new SecureRandom()).decrypt(sealed, NOTIFICATION))
			.isEqualTo(PAYLOAD);
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

	private static byte[] randomBytes(int n) {
		byte[] bytes = new byte[n];
		new SecureRandom().nextBytes(bytes);
		return bytes;
	}

	/** A SecureRandom that yields {@code bytes}: the nonce of the next message is known in advance. */
	private static SecureRandom drawing(byte[] bytes) {
		return new SecureRandom() {
			@Override
			public void nextBytes(byte[] out) {
				System.arraycopy(bytes, 0, out, 0, out.length);
			}
		};
	}

	private static DeliveryKey randomKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return DeliveryKey.of(key);
	}
}
