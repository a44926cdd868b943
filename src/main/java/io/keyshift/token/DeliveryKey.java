package io.keyshift.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The operator's AES-256 key under which new tokens wait, encrypted, for delivery: 32 random bytes,
 * base64, in a file ({@code openssl rand -base64 32 > delivery.key}).
 */
public final class DeliveryKey {

	private final byte[] key;

	private DeliveryKey(byte[] key) {
		this.key = key;
	}

	public static DeliveryKey of(byte[] key) {
		if (key.length != 32) {
			throw new InvalidDeliveryKeyException("a delivery key is 32 bytes, not " + key.length);
		}
		return new DeliveryKey(key.clone());
	}

	public static DeliveryKey load(Path file) {
		if (!Files.exists(file)) {
			throw new InvalidDeliveryKeyException("delivery key file " + file + " does not exist");
		}
		String text;
		try {
			text = Files.readString(file, StandardCharsets.US_ASCII).strip();
		}
		catch (IOException | RuntimeException ex) {
			throw new InvalidDeliveryKeyException("delivery key file " + file + " cannot be read");
		}
		byte[] decoded;
		try {
			decoded = Base64.getMimeDecoder().decode(text);
			if (text.isEmpty() || !text.matches("[A-Za-z0-9+/=\\s]+")) {
				throw new IllegalArgumentException();
			}
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidDeliveryKeyException("delivery key file " + file
					+ " is not base64 (make one with: openssl rand -base64 32 > " + file.getFileName() + ")");
		}
		if (decoded.length != 32) {
			Arrays.fill(decoded, (byte) 0);
			throw new InvalidDeliveryKeyException("delivery key file " + file + " decodes to " + decoded.length
					+ " bytes, expected 32 (make one with: openssl rand -base64 32 > " + file.getFileName() + ")");
		}
		return new DeliveryKey(decoded);
	}

	SecretKey secretKey() {
		return new SecretKeySpec(key, "AES");
	}

	@Override
	public String toString() {
		return "DeliveryKey[redacted]";
	}
}
