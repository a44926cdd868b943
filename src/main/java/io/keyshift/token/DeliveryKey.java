package io.keyshift.token;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;
import java.util.Base64;

import java.security.GeneralSecurityException;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The operator's AES-256 key under which new tokens wait, encrypted, for delivery: 32 random bytes,
 * base64, in a file made by {@code openssl rand -base64 32 > delivery.key}. {@code toString()} is
 * redacted.
 *
 * <p>Immutable and thread-safe.
 */
public final class DeliveryKey {

	/** AES-256. */
	static final int BYTES = 32;

	/*
	 * A real key file is 45 bytes; reading a bounded prefix means pointing the option at a large
	 * file or a device such as /dev/urandom fails fast instead of filling memory, while a pipe
	 * (process substitution) still works.
	 */
	private static final int MAX_FILE_BYTES = 1024;

	private static final String HOW_TO_MAKE = "make one with: openssl rand -base64 32 > FILE; chmod 600 FILE";

	private static final String FIND_IT = "find the key migrate was given: only it opens the tokens migrate sealed, a"
			+ " new key never will";

	static final String ID_LABEL = "keyshift delivery key id v1";

	private final SecretKeySpec key;

	private DeliveryKey(byte[] key) {
		// SecretKeySpec copies the bytes, and being immutable it can be shared across threads.
		this.key = new SecretKeySpec(key, "AES");
	}

	/**
	 * A key from its 32 raw bytes (copied), for tests and callers that hold the bytes already.
	 * @throws InvalidDeliveryKeyException if {@code key} is not 32 bytes long
	 */
	public static DeliveryKey of(byte[] key) {
		if (key.length != BYTES) {
			throw new InvalidDeliveryKeyException("a delivery key is " + BYTES + " bytes, not " + key.length);
		}
		return new DeliveryKey(key);
	}

	/**
	 * Reads a key file: base64 (standard alphabet) of exactly 32 bytes, surrounding whitespace allowed.
	 * @throws InvalidDeliveryKeyException naming the file and the problem (missing, unreadable, not
	 * base64, wrong length), never quoting the file's content
	 */
	public static DeliveryKey load(Path file) {
		return load(file, Files::newInputStream);
	}

	/**
	 * Reads the key that sealed tokens already: as {@link #load}, but a problem says to find that key,
	 * since a new one can never open them ({@code deliver}).
	 */
	public static DeliveryKey loadExisting(Path file) {
		return load(file, FIND_IT, Files::newInputStream);
	}

	/** How a key file is opened; tests pass one that fails as an unreadable file does, even for root. */
	@FunctionalInterface
	interface Opener {

		InputStream open(Path file) throws IOException;

	}

	static DeliveryKey load(Path file, Opener opener) {
		// the path as given: the advice, followed as printed, makes the file this command reads
		String path = file.toString().startsWith("-") || file.toString().startsWith("=") ? "./" + file : file.toString();
		String shown = path.matches("[A-Za-z0-9_./@%+=:,-]+") ? path : "'" + path.replace("'", "'\\''") + "'";
		return load(file, HOW_TO_MAKE.replace("FILE", shown), opener);
	}

	private static DeliveryKey load(Path file, String advice, Opener opener) {
		if (Files.isDirectory(file)) {
			throw invalid(file, "is a directory, not a key file");
		}
		if (!Files.exists(file)) {
			throw invalid(file, "does not exist (" + advice + ")");
		}
		byte[] raw;
		try (InputStream in = opener.open(file)) {
			raw = in.readNBytes(MAX_FILE_BYTES + 1);
		}
		catch (AccessDeniedException ex) {
			throw invalid(file, "cannot be read: permission denied");
		}
		catch (IOException | SecurityException ex) {
			throw invalid(file, "cannot be read (" + ex.getClass().getSimpleName() + ")");
		}
		if (raw.length > MAX_FILE_BYTES) {
			throw invalid(file, "is longer than " + MAX_FILE_BYTES + " bytes; a key file holds 44 base64 characters ("
					+ advice + ")");
		}
		// Whitespace anywhere: openssl adds a newline, and wraps longer output, which then gets the
		// clearer "decodes to N bytes" message rather than "not base64". A BOM comes from some editors.
		String text = new String(raw, StandardCharsets.UTF_8).replace("\uFEFF", "").replaceAll("\\s+", "");
		Arrays.fill(raw, (byte) 0);
		if (text.isEmpty()) {
			throw invalid(file, "is empty (" + advice + ")");
		}
		byte[] decoded;
		try {
			decoded = Base64.getDecoder().decode(text);
		}
		catch (IllegalArgumentException ex) {
			// The decoder's own message names the offending character: part of the key, so not passed on.
			throw invalid(file, "is not base64 (" + advice + ")");
		}
		try {
			if (decoded.length != BYTES) {
				throw invalid(file, "decodes to " + decoded.length + " bytes, expected " + BYTES + " ("
						+ advice + ")");
			}
			return new DeliveryKey(decoded);
		}
		finally {
			Arrays.fill(decoded, (byte) 0);
		}
	}

	/**
	 * The permissions of a key file that users other than its owner may read (e.g. {@code rw-r--r--}),
	 * or null when only its owner may, or the file system does not say (not POSIX, not a regular file).
	 */
	public static String readableByOthers(Path file) {
		try {
			if (!Files.isRegularFile(file)) {
				return null;
			}
			Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
			return permissions.contains(PosixFilePermission.GROUP_READ)
					|| permissions.contains(PosixFilePermission.OTHERS_READ) ? PosixFilePermissions.toString(permissions)
							: null;
		}
		catch (IOException | UnsupportedOperationException | SecurityException ex) {
			return null;
		}
	}

	SecretKey secretKey() {
		return key;
	}

	/**
	 * The key's identifier: the first 16 hex characters of HMAC-SHA-256 under the key of the fixed
	 * label {@value #ID_LABEL}. It tells keys apart (a run records the one it sealed with, and
	 * {@code deliver} matches it) and reveals nothing about the key: computing it needs the key, and
	 * undoing it means breaking HMAC-SHA-256. Safe to print and to store in a plain column.
	 */
	public String id() {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA256"));
			return HexFormat.of().formatHex(mac.doFinal(ID_LABEL.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA-256 is not available", ex);
		}
	}

	@Override
	public String toString() {
		return "DeliveryKey[redacted]";
	}

	private static InvalidDeliveryKeyException invalid(Path file, String problem) {
		return new InvalidDeliveryKeyException("delivery key file " + file + " " + problem);
	}
}
