package io.keyshift.store;

import java.util.List;
import java.util.stream.Collectors;

import io.keyshift.input.InputFile;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The rejected membership rows of a run that name no readable user (SPEC §2): they count against
 * nobody, so a real run stops on them unless the operator accepts them. How many, and the first
 * lines, for a message.
 */
public record UnattributedRows(long rows, List<Long> firstLines) {

	/** How many lines a message names. */
	static final int NAMED = 10;

	public static UnattributedRows of(JdbcTemplate jdbc, long runId) {
		long rows = jdbc.queryForObject("select count(*) from input_reject where run_id = ? and unattributed",
				Long.class, runId);
		List<Long> lines = rows == 0 ? List.of() : jdbc.queryForList("""
				select line from input_reject where run_id = ? and unattributed order by line
				fetch first %d rows only""".formatted(NAMED), Long.class, runId);
		return new UnattributedRows(rows, lines);
	}

	public boolean any() {
		return rows > 0;
	}

	/**
	 * E.g. {@code account_memberships.csv line 87: 1 membership row names no readable user_id}, or
	 * {@code lines 87, 90 and 3 more: 5 membership rows name ...}.
	 */
	public String describe() {
		String lines = firstLines.stream().map(String::valueOf).collect(Collectors.joining(", "));
		String more = rows > firstLines.size() ? String.format(" and %,d more", rows - firstLines.size()) : "";
		return InputFile.MEMBERSHIPS.fileName() + (rows == 1 ? " line " : " lines ") + lines + more + ": "
				+ String.format("%,d", rows) + (rows == 1 ? " membership row names" : " membership rows name")
				+ " no readable user_id, so " + (rows == 1 ? "it counts" : "they count") + " against nobody";
	}
}
