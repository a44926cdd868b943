package io.keyshift.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeliveryCipherTests {

	@TempDir
	Path dir;

	private static DeliveryKey randomKey() {
		byte[] key = new byte[32];
		new SecureRandom().nextBytes(key);
		return DeliveryKey.of(key);
	}

	private final DeliveryCipher cipher = new DeliveryCipher(randomKey(), new SecureRandom());

	private static final byte[] MESSAGE = "dbtu_the-token-value".getBytes(StandardCharsets.UTF_8);

	@Test
	void roundTripsWithTheSameAssociatedData() {
		byte[] sealed = cipher.encrypt(MESSAGE, "notification:1:user:7");
		assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("dbtu_");
		assertThat(cipher.decrypt(sealed, "notification:1:user:7")).isEqualTo(MESSAGE);
	}

	@Test
	void twoEncryptionsOfOneMessageDiffer() {
		assertThat(cipher.encrypt(MESSAGE, "a")).isNotEqualTo(cipher.encrypt(MESSAGE, "a"));
	}

	@Test
	void aPayloadMovedToAnotherUserDoesNotOpen() {
		byte[] sealed = cipher.encrypt(MESSAGE, "notification:1:user:7");
		assertThatThrownBy(() -> cipher.decrypt(sealed, "notification:1:user:8"))
			.hasMessageContaining("cannot be decrypted");
	}

	@Test
	void anotherKeyOrATamperedByteDoesNotOpen() {
		byte[] sealed = cipher.encrypt(MESSAGE, "x");
		DeliveryCipher other = new DeliveryCipher(randomKey(), new SecureRandom());
		assertThatThrownBy(() -> other.decrypt(sealed, "x")).isInstanceOf(IllegalArgumentException.class);
		sealed[sealed.length - 1] ^= 1;
		assertThatThrownBy(() -> cipher.decrypt(sealed, "x")).isInstanceOf(IllegalArgumentException.class);
	}

	@Test
	void loadsAKeyMadeByOpenssl() throws IOException {
		byte[] raw = new byte[32];
		new SecureRandom().nextBytes(raw);
		Path file = dir.resolve("delivery.key");
		Files.writeString(file, Base64.getEncoder().encodeToString(raw) + "\n");
		DeliveryKey key = DeliveryKey.load(file);
		DeliveryCipher loaded = new DeliveryCipher(key, new SecureRandom());
		assertThat(new DeliveryCipher(DeliveryKey.of(raw), new SecureRandom())
			.decrypt(loaded.encrypt(MESSAGE, "x"), "x")).isEqualTo(MESSAGE);
		assertThat(key.toString()).doesNotContain(Base64.getEncoder().encodeToString(raw).substring(0, 10));
	}

	@Test
	void explainsAnUnusableKeyFileWithoutShowingIt() throws IOException {
		Path missing = dir.resolve("nope.key");
		assertThatThrownBy(() -> DeliveryKey.load(missing)).isInstanceOf(InvalidDeliveryKeyException.class)
			.hasMessageContaining("nope.key").hasMessageContaining("does not exist");
		Path notBase64 = dir.resolve("bad.key");
		Files.writeString(notBase64, "this is not base64!!");
		assertThatThrownBy(() -> DeliveryKey.load(notBase64)).hasMessageContaining("bad.key")
			.hasMessageContaining("not base64").hasMessageNotContaining("this is not");
		Path shortKey = dir.resolve("short.key");
		String sixteen = Base64.getEncoder().encodeToString(new byte[16]);
		Files.writeString(shortKey, sixteen);
		assertThatThrownBy(() -> DeliveryKey.load(shortKey)).hasMessageContaining("decodes to 16 bytes, expected 32")
			.hasMessageNotContaining(sixteen);
	}
}
