package io.keyshift.cli;

/** The process exit codes an operator's scheduler sees (SPEC §8). */
public final class ExitCodes {

	/** Completed, or already completed: nothing to do. */
	public static final int OK = 0;

	/** Failed or stopped: rerun the same command to resume. */
	public static final int FAILED = 1;

	/** Bad usage or unusable input: nothing was written. */
	public static final int USAGE = 2;

	private ExitCodes() {
	}
}
