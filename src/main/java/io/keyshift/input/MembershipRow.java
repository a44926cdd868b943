package io.keyshift.input;

import io.keyshift.migration.License;
import io.keyshift.migration.PermissionSet;

/** A valid row of {@code account_memberships.csv}: one permission grant. Project null = all projects. */
public record MembershipRow(long line, long userId, long accountId, License license, PermissionSet permissionSet,
		Long projectId) {

	public static MembershipRow parse(Header header, CsvRow row) throws RowProblem {
		Fields f = new Fields(header, row);
		return new MembershipRow(row.line(), f.id("user_id"), f.id("account_id"),
				f.code("license_type", License::parse), f.code("permission_set", PermissionSet::parse),
				f.optionalId("project_id"));
	}
}
