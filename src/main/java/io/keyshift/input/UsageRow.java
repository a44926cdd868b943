package io.keyshift.input;

import java.time.OffsetDateTime;

/** A valid row of {@code api_key_usage.csv}: where a legacy key was used. */
public record UsageRow(long line, long keyId, String endpoint, String client, OffsetDateTime lastCalledAt,
		long calls) {

	public static UsageRow parse(Header header, CsvRow row) throws RowProblem {
		Fields f = new Fields(header, row);
		return new UsageRow(row.line(), f.id("key_id"), f.required("endpoint", Fields.ENDPOINT_MAX), f.text("client", Fields.CLIENT_MAX),
				f.timestamp("last_called_at"), f.count("calls"));
	}
}
