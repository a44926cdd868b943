package io.keyshift.migration;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PermissionsTests {

	private static Grant g(PermissionSet set, Long project) {
		return new Grant(set, project);
	}

	@Test
	void sortsBySetNameThenProjectNumerically() {
		List<Grant> inherited = Permissions.inherit(List.of(g(PermissionSet.DEVELOPER, null),
				g(PermissionSet.ADMIN, 1205L), g(PermissionSet.ADMIN, 1201L), g(PermissionSet.ADMIN, 99L)));
		assertThat(Permissions.format(inherited)).isEqualTo("admin@99;admin@1201;admin@1205;developer@all");
	}

	@Test
	void removesExactDuplicates() {
		assertThat(Permissions.format(Permissions.inherit(
				List.of(g(PermissionSet.JOB_ADMIN, 5L), g(PermissionSet.JOB_ADMIN, 5L)))))
			.isEqualTo("job_admin@5");
	}

	@Test
	void dropsAProjectGrantCoveredByTheSameSetOnAllProjects() {
		assertThat(Permissions.format(Permissions.inherit(List.of(g(PermissionSet.ADMIN, 12L),
				g(PermissionSet.ADMIN, null), g(PermissionSet.ANALYST, 12L)))))
			.isEqualTo("admin@all;analyst@12");
	}

	@Test
	void keepsProjectGrantsOfOtherSetsEvenWhenOneSetCoversAllProjects() {
		List<Grant> inherited = Permissions.inherit(
				List.of(g(PermissionSet.JOB_VIEWER, null), g(PermissionSet.JOB_ADMIN, 3L)));
		assertThat(inherited).containsExactly(g(PermissionSet.JOB_ADMIN, 3L), g(PermissionSet.JOB_VIEWER, null));
	}

	@Test
	void sortsBySpelledNameNotDeclarationOrder() {
		// OWNER is declared before ACCOUNT_ADMIN; the rule sorts by the name as written
		assertThat(Permissions.format(Permissions.inherit(
				List.of(g(PermissionSet.OWNER, null), g(PermissionSet.ACCOUNT_ADMIN, null)))))
			.isEqualTo("account_admin@all;owner@all");
	}

	@Test
	void emptyGrantsGiveNothing() {
		assertThat(Permissions.inherit(List.of())).isEmpty();
	}
}
