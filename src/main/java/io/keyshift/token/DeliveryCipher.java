package io.keyshift.token;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Objects;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals notification payloads at rest with AES-256-GCM: a fresh random 96-bit nonce per message,
 * and the notification's identity (e.g. {@code notification:<id>:user:<userId>}) as associated
 * data, so a ciphertext copied to another row or user no longer decrypts. Sealed form: the 12-byte
 * nonce, then the ciphertext with its 128-bit tag.
 *
 * <p>Thread-safe: a {@link Cipher} is not, so each thread keeps its own, initialised again for
 * each message with a fresh nonce (which also keeps the expanded key: looking the cipher up and
 * expanding the key per message was a visible share of a million-user run).
 */
public final class DeliveryCipher {

	private static final String TRANSFORMATION = "AES/GCM/NoPadding";

	/** 96 bits: the nonce size GCM is designed for; random nonces are safe far beyond a run's volume. */
	static final int NONCE_BYTES = 12;

	static final int TAG_BITS = 128;

	private static final String UNDECRYPTABLE = "payload cannot be decrypted: wrong delivery key,"
			+ " or it was moved from another notification or altered";

	private final DeliveryKey key;

	private final String keyId;

	private final SecureRandom random;

	private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(DeliveryCipher::newCipher);

	public DeliveryCipher(DeliveryKey key, SecureRandom random) {
		this.key = Objects.requireNonNull(key, "key");
		this.random = Objects.requireNonNull(random, "random");
		this.keyId = key.id();
	}

	/** The identifier of the key this cipher seals with ({@link DeliveryKey#id()}). */
	public String keyId() {
		return keyId;
	}

	/** Seals {@code plaintext}, bound to {@code associatedData}: nonce || ciphertext+tag. */
	public byte[] encrypt(byte[] plaintext, String associatedData) {
		Objects.requireNonNull(plaintext, "plaintext");
		byte[] aad = associatedData(associatedData);
		byte[] nonce = new byte[NONCE_BYTES];
		random.nextBytes(nonce);
		try {
			Cipher cipher = ciphers.get();
			cipher.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(aad);
			byte[] sealed = new byte[NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
			System.arraycopy(nonce, 0, sealed, 0, NONCE_BYTES);
			cipher.doFinal(plaintext, 0, plaintext.length, sealed, NONCE_BYTES);
			return sealed;
		}
		catch (GeneralSecurityException ex) {
			// Only a runtime without AES-GCM gets here; the key was checked to be 32 bytes.
			throw new IllegalStateException("AES-GCM encryption is not available", ex);
		}
	}

	/**
	 * Opens what {@link #encrypt} sealed with the same key and associated data.
	 * @throws IllegalArgumentException if it cannot be decrypted (wrong key, other associated data,
	 * altered or truncated); the message carries none of the payload
	 */
	public byte[] decrypt(byte[] sealed, String associatedData) {
		Objects.requireNonNull(sealed, "sealed");
		byte[] aad = associatedData(associatedData);
		if (sealed.length < NONCE_BYTES + TAG_BITS / 8) {
			throw new IllegalArgumentException(UNDECRYPTABLE + " (too short to be a sealed payload)");
		}
		try {
			Cipher cipher = ciphers.get();
			cipher.init(Cipher.DECRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
			cipher.updateAAD(aad);
			return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
		}
		catch (GeneralSecurityException ex) {
			// No cause: a failed tag check says nothing useful, and nothing of the payload may leak.
			throw new IllegalArgumentException(UNDECRYPTABLE);
		}
	}

	private static Cipher newCipher() {
		try {
			return Cipher.getInstance(TRANSFORMATION);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is not available", ex);
		}
	}

	private static byte[] associatedData(String associatedData) {
		return Objects.requireNonNull(associatedData, "associatedData").getBytes(StandardCharsets.UTF_8);
	}
}
