package io.keyshift.migration;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The permission inheritance rule: a PAT gets exactly its owner's grants in the account,
 * normalised. Exact duplicates go, and a project-scoped grant goes where the same permission set
 * is also granted on all projects. Never more than the user has, never less.
 */
public final class Permissions {

	private Permissions() {
	}

	/** The normalised grants, sorted by permission set name, then project id (all projects first). */
	public static List<Grant> inherit(Collection<Grant> grants) {
		Set<PermissionSet> everywhere = EnumSet.noneOf(PermissionSet.class);
		for (Grant grant : grants) {
			if (grant.allProjects()) {
				everywhere.add(grant.permissionSet());
			}
		}
		TreeSet<Grant> kept = new TreeSet<>();
		for (Grant grant : grants) {
			if (grant.allProjects() || !everywhere.contains(grant.permissionSet())) {
				kept.add(grant);
			}
		}
		return List.copyOf(kept);
	}

	/** {@code admin@1201;admin@1205;developer@all}: the report's and the notification's spelling. */
	public static String format(Collection<Grant> normalised) {
		StringBuilder text = new StringBuilder(normalised.size() * 16);
		for (Grant grant : normalised) {
			if (!text.isEmpty()) {
				text.append(';');
			}
			text.append(grant.permissionSet().code()).append('@');
			if (grant.allProjects()) {
				text.append("all");
			}
			else {
				text.append(grant.projectId().longValue());
			}
		}
		return text.toString();
	}
}
