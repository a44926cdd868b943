package io.keyshift.token;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeliveryKeyTests {

	@TempDir
	Path dir;

	@Test
	void loadsAKeyFileAsOpensslWritesIt() throws IOException {
		byte[] raw = randomBytes(32);
		Path file = write("delivery.key", Base64.getEncoder().encodeToString(raw) + "\n");
		assertThat(opens(DeliveryKey.load(file), DeliveryKey.of(raw))).isTrue();
	}

	@Test
	void toleratesSurroundingWhitespaceAndWindowsLineEndings() throws IOException {
		byte[] raw = randomBytes(32);
		Path file = write("delivery.key", "  \r\n" + Base64.getEncoder().encodeToString(raw) + "\r\n\r\n");
		assertThat(opens(DeliveryKey.load(file), DeliveryKey.of(raw))).isTrue();
	}

	@Test
	void aKeyLoadedFromAnotherFileDoesNotOpenWhatThisOneSealed() throws IOException {
		DeliveryKey one = DeliveryKey.load(write("one.key", Base64.getEncoder().encodeToString(randomBytes(32))));
		DeliveryKey two = DeliveryKey.load(write("two.key", Base64.getEncoder().encodeToString(randomBytes(32))));
		assertThat(opens(one, two)).isFalse();
	}

	@Test
	void itsIdIsTheHmacOfTheFixedLabelAsOpensslComputesIt() throws IOException {
		// openssl dgst -sha256 -mac HMAC -macopt hexkey:000102...1f on "keyshift delivery key id v1"
		Path file = dir.resolve("bytes.key");
		Files.writeString(file, "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n");
		assertThat(DeliveryKey.load(file).id()).isEqualTo("bc55f949ef92bfd1");
	}

	@Test
	void twoKeysHaveTwoIdsAndTheSameKeyAlwaysTheSame() {
		byte[] a = new byte[32];
		byte[] b = new byte[32];
		b[31] = 1;
		assertThat(DeliveryKey.of(a).id()).isNotEqualTo(DeliveryKey.of(b).id())
			.isEqualTo(DeliveryKey.of(new byte[32]).id())
			.hasSize(16);
	}

	@Test
	void toStringDoesNotShowTheKey() throws IOException {
		byte[] raw = randomBytes(32);
		String base64 = Base64.getEncoder().encodeToString(raw);
		DeliveryKey key = DeliveryKey.load(write("delivery.key", base64));
		assertThat(key.toString()).isEqualTo("DeliveryKey[redacted]").doesNotContain(base64.substring(0, 8));
		assertThat(DeliveryKey.of(raw).toString()).doesNotContain(base64.substring(0, 8));
	}

	@Test
	void aMissingFileIsNamedAndSaidToBeMissing() {
		Path missing = dir.resolve("nope.key");
		assertThatThrownBy(() -> DeliveryKey.load(missing)).isInstanceOf(InvalidDeliveryKeyException.class)
			.hasMessageContaining(missing.toString())
			.hasMessageContaining("does not exist")
			.hasMessageContaining("openssl rand -base64 32");
	}

	@Test
	void aFileThatIsNotBase64IsNamedButNotQuoted() throws IOException {
		Path file = write("bad.key", "this is not base64!!\n");
		assertThatThrownBy(() -> DeliveryKey.load(file)).isInstanceOf(InvalidDeliveryKeyException.class)
			.hasMessageContaining(file.toString())
			.hasMessageContaining("not base64")
			.hasMessageNotContaining("this is")
			.hasMessageNotContaining("base64!!")
			.hasNoCause();
	}

	@Test
	void aUrlSafeBase64KeyIsNotStandardBase64() throws IOException {
		byte[] raw = randomBytes(32);
		raw[0] = (byte) 0xFB; // encodes to a leading '+' (standard) or '-' (URL-safe)
		String urlSafe = Base64.getUrlEncoder().encodeToString(raw);
		Path file = write("url.key", urlSafe);
		assertThatThrownBy(() -> DeliveryKey.load(file)).hasMessageContaining("not base64")
			.hasMessageNotContaining(urlSafe.substring(0, 8));
	}

	@Test
	void aSixteenByteKeyIsReportedByItsLengthButNotQuoted() throws IOException {
		String sixteen = Base64.getEncoder().encodeToString(randomBytes(16));
		Path file = write("short.key", sixteen + "\n");
		assertThatThrownBy(() -> DeliveryKey.load(file)).isInstanceOf(InvalidDeliveryKeyException.class)
			.hasMessageContaining(file.toString())
			.hasMessageContaining("decodes to 16 bytes, expected 32")
			.hasMessageNotContaining(sixteen)
			.hasMessageNotContaining(sixteen.substring(0, 8));
	}

	@Test
	void aWrappedSixtyFourByteKeyIsReportedByItsLength() throws IOException {
		String wrapped = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
			.encodeToString(randomBytes(64));
		Path file = write("long.key", wrapped + "\n");
		assertThatThrownBy(() -> DeliveryKey.load(file)).hasMessageContaining("decodes to 64 bytes, expected 32");
	}

	@Test
	void anEmptyFileIsSaidToBeEmpty() throws IOException {
		Path file = write("empty.key", "\n");
		assertThatThrownBy(() -> DeliveryKey.load(file)).isInstanceOf(InvalidDeliveryKeyException.class)
			.hasMessageContaining(file.toString())
			.hasMessageContaining("is empty");
	}

	@Test
	void aDirectoryIsNotAKeyFile() {
		assertThatThrownBy(() -> DeliveryKey.load(dir)).isInstanceOf(InvalidDeliveryKeyException.class)
			.hasMessageContaining(dir.toString())
			.hasMessageContaining("directory");
	}

	@Test
	void aHugeFileIsRefusedWithoutReadingItAllOrQuotingIt() throws IOException {
		String content = Base64.getEncoder().encodeToString(randomBytes(32)).repeat(1000);
		Path file = write("huge.key", content);
		assertThatThrownBy(() -> DeliveryKey.load(file)).isInstanceOf(InvalidDeliveryKeyException.class)
			.hasMessageContaining(file.toString())
			.hasMessageContaining("longer than")
			.hasMessageNotContaining(content.substring(0, 8));
	}

	@Test
	void anUnreadableFileIsNamedAndSaidToBeUnreadable() throws IOException {
		// Opened as the JDK does when the file's permissions refuse this user: root reads any file, and CI
		// runs as root, so a chmod would prove nothing there.
		Path file = write("locked.key", Base64.getEncoder().encodeToString(randomBytes(32)));
		assertThatThrownBy(() -> DeliveryKey.load(file, f -> {
			throw new AccessDeniedException(f.toString());
		})).isInstanceOf(InvalidDeliveryKeyException.class)
			.hasMessage("delivery key file " + file + " cannot be read: permission denied")
			.hasNoCause();
	}

	@Test
	void aFileThatFailsToReadOtherwiseIsNamedWithTheKindOfFailure() throws IOException {
		Path file = write("flaky.key", Base64.getEncoder().encodeToString(randomBytes(32)));
		assertThatThrownBy(() -> DeliveryKey.load(file, f -> {
			throw new IOException("Input/output error");
		})).isInstanceOf(InvalidDeliveryKeyException.class)
			.hasMessage("delivery key file " + file + " cannot be read (IOException)");
	}

	@Test
	void rawKeysMustBeThirtyTwoBytes() {
		assertThatThrownBy(() -> DeliveryKey.of(new byte[16])).isInstanceOf(InvalidDeliveryKeyException.class)
			.hasMessageContaining("32 bytes, not 16");
		assertThat(opens(DeliveryKey.of(new byte[32]), DeliveryKey.of(new byte[32]))).isTrue();
	}

	@Test
	void aRawKeyIsCopiedSoLaterChangesToTheArrayDoNotAffectIt() {
		byte[] raw = randomBytes(32);
		DeliveryKey key = DeliveryKey.of(raw);
		DeliveryKey original = DeliveryKey.of(raw.clone());
		raw[0] ^= 1;
		assertThat(opens(key, original)).isTrue();
	}

	/** Whether what {@code sealer} encrypts, {@code opener} decrypts: the observable meaning of "same key". */
	private static boolean opens(DeliveryKey sealer, DeliveryKey opener) {
		byte[] sealed = new DeliveryCipher(sealer, new SecureRandom()).encrypt(new byte[] { 1, 2, 3 }, "ad");
		try {
			return new DeliveryCipher(opener, new SecureRandom()).decrypt(sealed, "ad").length == 3;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	private Path write(String name, String content) throws IOException {
		return Files.writeString(dir.resolve(name), content, StandardCharsets.US_ASCII);
	}

	private static byte[] randomBytes(int n) {
		byte[] bytes = new byte[n];
		new SecureRandom().nextBytes(bytes);
		return bytes;
	}

	@Test
	void theAdviceForAMissingFileMakesTheFileThatWasGivenEvenWhenItsNameLooksLikeAnOption() {
		assertThatThrownBy(() -> DeliveryKey.load(Path.of("-new.key")))
			.hasMessageContaining("openssl rand -base64 32 > ./-new.key; chmod 600 ./-new.key");
		assertThatThrownBy(() -> DeliveryKey.load(Path.of("/no/such dir/it's.key")))
			.hasMessageContaining("openssl rand -base64 32 > '/no/such dir/it'\\''s.key'; chmod 600 '/no/such dir/it'\\''s.key'");
	}
}
