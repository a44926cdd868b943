package io.keyshift.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM for notification payloads: a fresh random 96-bit nonce per message, and the
 * notification's identity as associated data, so a ciphertext moved to another row or user no
 * longer decrypts. Output: nonce followed by ciphertext and 128-bit tag.
 */
public final class DeliveryCipher {

	private static final int NONCE = 12;

	private static final int TAG_BITS = 128;

	private final DeliveryKey key;

	private final SecureRandom random;

	public DeliveryCipher(DeliveryKey key, SecureRandom random) {
		this.key = key;
		this.random = random;
	}

	public byte[] encrypt(byte[] plaintext, String associatedData) {
		byte[] nonce = new byte[NONCE];
		random.nextBytes(nonce);
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
			byte[] sealed = cipher.doFinal(plaintext);
			byte[] out = new byte[NONCE + sealed.length];
			System.arraycopy(nonce, 0, out, 0, NONCE);
			System.arraycopy(sealed, 0, out, NONCE, sealed.length);
			return out;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is not available", ex);
		}
	}

	public byte[] decrypt(byte[] sealed, String associatedData) {
		if (sealed.length < NONCE + TAG_BITS / 8) {
			throw new IllegalArgumentException("payload cannot be decrypted: too short");
		}
		try {
			Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, key.secretKey(),
					new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, 0, NONCE)));
			cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
			return cipher.doFinal(sealed, NONCE, sealed.length - NONCE);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalArgumentException(
					"payload cannot be decrypted: wrong delivery key, or it was moved from another notification");
		}
	}
}
