package io.keyshift.status;

import java.util.List;
import java.util.Map;

/**
 * What {@code keyshift status} reports: every run on this database, oldest first, and the
 * notifications by status ({@code PENDING}, {@code DELIVERED}; {@code PENDING} ones that failed at
 * least once also counted as {@code failedAttempts}).
 */
public record DatabaseStatus(List<RunStatus> runs, Map<String, Long> notifications, long pendingAfterFailure) {

	public DatabaseStatus {
		runs = List.copyOf(runs);
		notifications = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(notifications)); // in name order
	}
}
