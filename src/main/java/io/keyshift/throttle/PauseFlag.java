package io.keyshift.throttle;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The operator's pause switch, as gh-ost's throttle flag file: while the file exists the workers
 * finish the chunk they are in and wait; once it is removed they go on. Only its existence counts
 * (what it holds, and whether keyshift may read it, do not).
 */
public record PauseFlag(Path file) {

	public PauseFlag {
		file = file.toAbsolutePath().normalize();
	}

	public boolean raised() {
		return Files.exists(file);
	}
}
