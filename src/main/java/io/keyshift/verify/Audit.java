package io.keyshift.verify;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What {@code keyshift verify} found: the violations per invariant, the first {@link #SHOWN} of each
 * kept to be listed, all counted.
 */
public final class Audit implements Consumer<Violation> {

	public static final int SHOWN = 50;

	private final Map<String, java.util.List<Violation>> shown = new LinkedHashMap<>();

	private final Map<String, Long> counts = new LinkedHashMap<>();

	@Override
	public void accept(Violation violation) {
		long n = counts.merge(violation.invariant(), 1L, Long::sum);
		if (n <= SHOWN) {
			shown.computeIfAbsent(violation.invariant(), k -> new java.util.ArrayList<>()).add(violation);
		}
	}

	public long total() {
		return counts.values().stream().mapToLong(Long::longValue).sum();
	}

	/** The readable list: one line per violation, grouped by invariant, "and N more" past {@link #SHOWN}. */
	public void print(java.io.PrintStream out) {
		counts.forEach((invariant, count) -> {
			out.println(String.format("broken: %s (%,d)", invariant, count));
			for (Violation v : shown.get(invariant)) {
				out.println("  " + v.detail());
			}
			if (count > SHOWN) {
				out.println(String.format("  and %,d more", count - SHOWN));
			}
		});
	}
}
