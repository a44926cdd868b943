package io.keyshift.job;

import org.springframework.batch.core.job.JobInterruptedException;

/**
 * A real run would revoke more PATs than {@code --max-revocations} allows: it stops before the migrate
 * step writes anything (SPEC §3.2's safety valve). The message is the one line the operator reads.
 * An interruption, not a failure: the run ends STOPPED without a stack trace in the log, and the
 * same command (with a larger limit, if the revocations are right) resumes it at the check.
 */
public class RevocationLimitExceeded extends JobInterruptedException {

	public RevocationLimitExceeded(String message) {
		super(message);
	}
}
