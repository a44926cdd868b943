package io.keyshift.remote;

/**
 * Thrown inside a chunk's transaction when this worker may no longer write the partition: another
 * worker took it over (this one was thought gone), or the run is no longer running (its manager
 * ended it, or a later launch marked it failed). The chunk rolls back; nothing of it is written.
 */
public class PartitionTakenOver extends RuntimeException {

	public PartitionTakenOver(String message) {
		super(message);
	}
}
