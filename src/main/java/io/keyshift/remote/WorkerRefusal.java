package io.keyshift.remote;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Why this worker cannot go on (the run it was sent seals under another delivery key), once set:
 * the worker process ends with a usage error, and the request goes back to the queue.
 */
public class WorkerRefusal {

	private final AtomicReference<String> reason = new AtomicReference<>();

	public void refuse(String why) {
		reason.compareAndSet(null, why);
	}

	public String reason() {
		return reason.get();
	}
}
