package io.keyshift.job;

/**
 * A real run would revoke more PATs than {@code --max-revocations} allows: it stops before the migrate
 * step writes anything (SPEC §3.2's safety valve). The message is the one line the operator reads.
 */
public class RevocationLimitExceeded extends RuntimeException {

	public RevocationLimitExceeded(String message) {
		super(message);
	}
}
