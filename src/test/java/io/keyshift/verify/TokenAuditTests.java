package io.keyshift.verify;

import java.util.List;

import io.keyshift.verify.TokenAudit.Event;
import io.keyshift.verify.TokenAudit.Row;
import io.keyshift.verify.TokenAudit.Token;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TokenAuditTests {

	private static final Token ACTIVE = new Token("t1", 7, 9, "ACTIVE", null);

	private static List<String> details(Token token, List<Row> rows, List<Event> events) {
		return TokenAudit.check(token, rows, events).stream().map(Violation::detail).toList();
	}

	@Test
	void aTokenWhoseHistoryLeadsToItsStateIsFine() {
		List<Row> rows = List.of(new Row("developer", null), new Row("admin", 12L));
		List<Event> events = List.of(new Event("MINTED", null, null, "admin@12;admin@15;developer@all"),
				new Event("PERMISSIONS_CHANGED", null, "admin@12;admin@15;developer@all", "admin@12;developer@all"),
				new Event("DELIVERED", null, null, null));
		assertThat(details(ACTIVE, rows, events)).isEmpty();
		Token revoked = new Token("t1", 7, 9, "REVOKED", "ACCOUNT_INACTIVE");
		assertThat(details(revoked, rows, List.of(events.get(0), events.get(1),
				new Event("REVOKED", "ACCOUNT_INACTIVE", "admin@12;developer@all", null),
				new Event("DELIVERED", null, null, null)))).isEmpty();
	}

	@Test
	void findsPermissionsThatAreNotNormalised() {
		List<Row> rows = List.of(new Row("developer", null), new Row("developer", 5L), new Row("admin", 3L),
				new Row("admin", 3L));
		List<Event> events = List.of(new Event("MINTED", null, null, "admin@3;admin@3;developer@all;developer@5"));
		assertThat(details(ACTIVE, rows, events))
			.containsExactly("token t1 (user 7, account 9) has admin@3;admin@3;developer@all;developer@5, normalised"
					+ " admin@3;developer@all");
		assertThat(details(ACTIVE, List.of(new Row("superuser", null)), List.of(new Event("MINTED", null, null,
				"superuser@all")))).containsExactly("token t1 (user 7, account 9) has the unknown permission set 'superuser'");
		assertThat(details(ACTIVE, List.of(), List.of(new Event("MINTED", null, null, null))))
			.containsExactly("token t1 (user 7, account 9) is ACTIVE with no permissions");
	}

	@Test
	void findsAStateOrPermissionsTheHistoryDoesNotLeave() {
		List<Row> rows = List.of(new Row("developer", null));
		Event minted = new Event("MINTED", null, null, "developer@all");
		assertThat(details(new Token("t1", 7, 9, "REVOKED", "PLAN_NOT_ELIGIBLE"), rows, List.of(minted)))
			.containsExactly("token t1 (user 7, account 9) is REVOKED, but its events leave it ACTIVE");
		assertThat(details(ACTIVE, rows, List.of(minted, new Event("REVOKED", "MEMBERSHIP_REMOVED", "developer@all", null))))
			.containsExactly("token t1 (user 7, account 9) is ACTIVE, but its events leave it REVOKED");
		assertThat(details(new Token("t1", 7, 9, "REVOKED", "PLAN_NOT_ELIGIBLE"), rows,
				List.of(minted, new Event("REVOKED", "MEMBERSHIP_REMOVED", "developer@all", null))))
			.containsExactly("token t1 (user 7, account 9) was revoked for PLAN_NOT_ELIGIBLE, but its REVOKED event says"
					+ " MEMBERSHIP_REMOVED");
		assertThat(details(ACTIVE, List.of(new Row("readonly", null)), List.of(minted)))
			.containsExactly("token t1 (user 7, account 9) has 'readonly@all', but its events leave 'developer@all'");
		assertThat(details(ACTIVE, rows, List.of(minted, new Event("PERMISSIONS_CHANGED", null, "admin@all",
				"developer@all"))))
			.containsExactly("token t1 (user 7, account 9) has a PERMISSIONS_CHANGED event from 'admin@all', but the"
					+ " events before it left 'developer@all'");
	}

	@Test
	void findsAHistoryThatDoesNotStartWithOneMint() {
		List<Row> rows = List.of(new Row("developer", null));
		assertThat(details(ACTIVE, rows, List.of()))
			.containsExactly("token t1 (user 7, account 9) has no MINTED event first (no events at all)");
		assertThat(details(ACTIVE, rows, List.of(new Event("DELIVERED", null, null, null))))
			.containsExactly("token t1 (user 7, account 9) has no MINTED event first (first: DELIVERED)");
		Event minted = new Event("MINTED", null, null, "developer@all");
		assertThat(details(ACTIVE, rows, List.of(minted, minted)))
			.containsExactly("token t1 (user 7, account 9) was MINTED twice");
		assertThat(details(new Token("t1", 7, 9, "REVOKED", "X"), rows, List.of(minted,
				new Event("REVOKED", "X", "developer@all", null),
				new Event("PERMISSIONS_CHANGED", null, "developer@all", "developer@all"))))
			.containsExactly("token t1 (user 7, account 9) has a PERMISSIONS_CHANGED event after it was revoked");
	}
}
