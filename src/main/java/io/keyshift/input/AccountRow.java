package io.keyshift.input;

import io.keyshift.migration.AccountState;
import io.keyshift.migration.Plan;

/** A valid row of {@code accounts.csv}. */
public record AccountRow(long line, long accountId, String accountName, Plan plan, AccountState state) {

	public static AccountRow parse(Header header, CsvRow row) throws RowProblem {
		Fields f = new Fields(header, row);
		return new AccountRow(row.line(), f.id("account_id"), f.required("account_name", Fields.ACCOUNT_NAME_MAX),
				f.code("plan", Plan::parse), f.code("state", AccountState::parse));
	}
}
