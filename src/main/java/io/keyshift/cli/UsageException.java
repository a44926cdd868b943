package io.keyshift.cli;

/** A command line that cannot be run as given; exits 2 with this message, before anything is written. */
public class UsageException extends RuntimeException {

	public UsageException(String message) {
		super(message);
	}
}
