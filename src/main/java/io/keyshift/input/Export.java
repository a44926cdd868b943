package io.keyshift.input;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * An export directory that passed the structural checks: every required file is there, readable,
 * not empty, and has a valid header. Its {@link #digest()} identifies the export, so the same command
 * on the same files is recognised as the same run.
 */
public record Export(Path directory, Map<InputFile, Path> files) {

	/**
	 * Checks the directory before anything is written.
	 * @throws InputProblem naming the file and the problem
	 */
	public static Export open(Path directory) {
		if (!Files.isDirectory(directory)) {
			throw new InputProblem(directory + ": input directory does not exist or is not a directory");
		}
		Map<InputFile, Path> files = new EnumMap<>(InputFile.class);
		for (InputFile file : InputFile.values()) {
			Path path = directory.resolve(file.fileName());
			if (!Files.exists(path)) {
				if (file.required()) {
					throw new InputProblem(file.fileName() + ": required file is missing from " + directory);
				}
				continue;
			}
			if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
				throw new InputProblem(file.fileName() + ": cannot be read (not a readable file)");
			}
			readHeader(file, path);
			files.put(file, path);
		}
		return new Export(directory, Map.copyOf(files));
	}

	static Header readHeader(InputFile file, Path path) {
		try (CsvRecordReader reader = new CsvRecordReader(path)) {
			CsvRow header = reader.next();
			if (header == null) {
				throw new InputProblem(file.fileName() + " line 1: file is empty (no header row)");
			}
			return Header.check(file, header.fields());
		}
		catch (CsvRecordReader.RowProblemAtLine ex) {
			throw new InputProblem(file.fileName() + " line " + ex.line() + ": header row cannot be parsed");
		}
		catch (IOException ex) {
			throw CsvRecordReader.unreadable(file.fileName(), ex);
		}
	}

	/** The files' total size in bytes. */
	public long size() {
		long size = 0;
		for (Path path : files.values()) {
			try {
				size += java.nio.file.Files.size(path);
			}
			catch (java.io.IOException ex) {
				throw new InputProblem(path.getFileName() + ": cannot be read (" + ex.getClass().getSimpleName() + ")",
						ex);
			}
		}
		return size;
	}

	/** SHA-256 over the files' names and contents: the same export gives the same digest. */
	public String digest() {
		try {
			MessageDigest digest = MessageDigest.getInstance("SHA-256");
			byte[] buffer = new byte[1 << 16];
			for (Map.Entry<InputFile, Path> entry : new EnumMap<>(files).entrySet()) {
				digest.update(entry.getKey().fileName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
				digest.update((byte) 0);
				try (InputStream in = new DigestInputStream(Files.newInputStream(entry.getValue()), digest)) {
					while (in.read(buffer) != -1) {
						// the stream feeds the digest
					}
				}
				digest.update((byte) 0);
			}
			return HexFormat.of().formatHex(digest.digest());
		}
		catch (IOException ex) {
			throw new InputProblem("input files cannot be read (" + ex.getClass().getSimpleName() + ")", ex);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}
}
