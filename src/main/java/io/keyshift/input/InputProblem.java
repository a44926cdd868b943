package io.keyshift.input;

/**
 * A problem with the export as a whole (a missing file, a bad header, an unreadable file): the run
 * stops before anything is written. The message names the file and the problem, never a row's data.
 */
public class InputProblem extends RuntimeException {

	public InputProblem(String message) {
		super(message);
	}

	public InputProblem(String message, Throwable cause) {
		super(message, cause);
	}
}
