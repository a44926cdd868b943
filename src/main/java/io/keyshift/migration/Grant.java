package io.keyshift.migration;

import java.util.Comparator;

/**
 * One permission grant: a permission set on one project, or on all projects of the account when
 * {@code projectId} is null. Written as {@code set@all} or {@code set@<project_id>}.
 */
public record Grant(PermissionSet permissionSet, Long projectId) implements Comparable<Grant> {

	private static final Comparator<Grant> ORDER = Comparator
		.comparing((Grant g) -> g.permissionSet().code())
		.thenComparing(Grant::projectId, Comparator.nullsFirst(Comparator.naturalOrder()));

	public boolean allProjects() {
		return projectId == null;
	}

	@Override
	public int compareTo(Grant other) {
		return ORDER.compare(this, other);
	}

	@Override
	public String toString() {
		return permissionSet.code() + "@" + (projectId == null ? "all" : projectId.toString());
	}
}
