package io.keyshift.job;

import java.nio.file.Path;

/**
 * A run was started or resumed with another delivery key than the one it seals with: its tokens
 * would be split across two keys, and those sealed under a lost key could never be delivered. The
 * message names the run and both key identifiers (never a key) and says what to do.
 */
public class DeliveryKeyMismatch extends RuntimeException {

	private DeliveryKeyMismatch(String message) {
		super(message);
	}

	/** The run recorded {@code recorded} when it first sealed; {@code file} holds the key {@code given}. */
	public static DeliveryKeyMismatch recorded(long runId, String recorded, Path file, String given) {
		return new DeliveryKeyMismatch("run " + runId + " seals its tokens with delivery key id " + recorded
				+ ", but --delivery-key-file " + file + " has id " + given + ": give the key the run began with"
				+ " (a run's notifications must all open with one key)");
	}

	/** A run of the previous release, which recorded no key identifier: its sealed rows do not open. */
	public static DeliveryKeyMismatch unrecorded(long runId, Path file, String given) {
		return new DeliveryKeyMismatch("run " + runId + "'s notifications were sealed with another delivery key than"
				+ " --delivery-key-file " + file + " (id " + given + "): give the key the run began with (a run's"
				+ " notifications must all open with one key)");
	}
}
