package io.keyshift.migration;

import java.util.Locale;

/** The permission sets a membership row can grant, spelled as in the export. */
public enum PermissionSet {
	OWNER, MEMBER, ACCOUNT_ADMIN, SECURITY_ADMIN, BILLING_ADMIN, ADMIN, DATABASE_ADMIN, GIT_ADMIN, TEAM_ADMIN,
	JOB_ADMIN, JOB_RUNNER, JOB_VIEWER, ANALYST, DEVELOPER, STAKEHOLDER, READONLY, PROJECT_CREATOR, ACCOUNT_VIEWER,
	METADATA_ONLY, SEMANTIC_LAYER_ONLY, WEBHOOKS_ONLY, FUSION_ADMIN, COST_MANAGEMENT_VIEWER, COST_MANAGEMENT_ADMIN,
	MANAGE_MARKETPLACE_APPS;

	private final String code = name().toLowerCase(Locale.ROOT);

	public String code() {
		return code;
	}

	public static PermissionSet parse(String code) {
		return Codes.parse(PermissionSet.class, code, "permission_set");
	}
}
