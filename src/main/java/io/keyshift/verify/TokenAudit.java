package io.keyshift.verify;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.keyshift.migration.Grant;
import io.keyshift.migration.PermissionSet;
import io.keyshift.migration.Permissions;

/**
 * Checks one personal access token against the rules (plain Java): its permissions are normalised
 * as {@link Permissions#inherit} makes them (no duplicate, no project grant beside the same set on
 * all projects, known sets only; an ACTIVE token has at least one), and its state is what its
 * {@code token_event} history leaves: exactly one MINTED first, each PERMISSIONS_CHANGED starting
 * from what the events before left, nothing but DELIVERED after REVOKED, the status (and reason)
 * the events end with, and, for an ACTIVE token, the permissions the last change left.
 */
public final class TokenAudit {

	/** One row of {@code token_event}, in the order of its id. */
	public record Event(String event, String reason, String permissionsBefore, String permissionsAfter) {
	}

	/** One row of {@code personal_access_token_permission} (project null: all projects). */
	public record Row(String permissionSet, Long projectId) {
	}

	/** The token as stored. */
	public record Token(String id, long userId, long accountId, String status, String revokeReason) {
	}

	private TokenAudit() {
	}

	public static List<Violation> check(Token token, List<Row> permissions, List<Event> events) {
		List<Violation> problems = new ArrayList<>();
		String who = "token " + token.id() + " (user " + token.userId() + ", account " + token.accountId() + ")";
		String stored = text(permissions);
		List<Grant> grants = new ArrayList<>();
		boolean known = true;
		for (Row row : permissions) {
			try {
				grants.add(new Grant(PermissionSet.parse(row.permissionSet()), row.projectId()));
			}
			catch (RuntimeException ex) {
				known = false;
				problems.add(new Violation(Violation.NORMALISED_PERMISSIONS,
						who + " has the unknown permission set '" + row.permissionSet() + "'"));
			}
		}
		if (known) {
			List<Grant> normalised = Permissions.inherit(grants);
			if (normalised.size() != grants.size()) {
				problems.add(new Violation(Violation.NORMALISED_PERMISSIONS, who + " has " + stored + ", normalised "
						+ Permissions.format(normalised)));
			}
		}
		if ("ACTIVE".equals(token.status()) && permissions.isEmpty()) {
			problems.add(new Violation(Violation.NORMALISED_PERMISSIONS, who + " is ACTIVE with no permissions"));
		}
		problems.addAll(history(token, who, stored, events));
		return problems;
	}

	private static List<Violation> history(Token token, String who, String stored, List<Event> events) {
		List<Violation> problems = new ArrayList<>();
		if (events.isEmpty() || !events.get(0).event().equals("MINTED")) {
			problems.add(new Violation(Violation.TOKEN_AGREES_WITH_EVENTS, who + " has no MINTED event first"
					+ (events.isEmpty() ? " (no events at all)" : " (first: " + events.get(0).event() + ")")));
			return problems;
		}
		String status = "ACTIVE";
		String reason = null;
		String current = blankAsEmpty(events.get(0).permissionsAfter());
		for (int i = 1; i < events.size(); i++) {
			Event e = events.get(i);
			if (status.equals("REVOKED") && !e.event().equals("DELIVERED")) {
				problems.add(new Violation(Violation.TOKEN_AGREES_WITH_EVENTS, who + " has a " + e.event()
						+ " event after it was revoked"));
			}
			switch (e.event()) {
				case "MINTED" -> problems.add(new Violation(Violation.TOKEN_AGREES_WITH_EVENTS, who
						+ " was MINTED twice"));
				case "PERMISSIONS_CHANGED" -> {
					if (!blankAsEmpty(e.permissionsBefore()).equals(current)) {
						problems.add(new Violation(Violation.TOKEN_AGREES_WITH_EVENTS, who
								+ " has a PERMISSIONS_CHANGED event from '" + blankAsEmpty(e.permissionsBefore())
								+ "', but the events before it left '" + current + "'"));
					}
					current = blankAsEmpty(e.permissionsAfter());
				}
				case "REVOKED" -> {
					status = "REVOKED";
					reason = e.reason();
				}
				default -> {
					// DELIVERED changes nothing of the token
				}
			}
		}
		if (!status.equals(token.status())) {
			problems.add(new Violation(Violation.TOKEN_AGREES_WITH_EVENTS, who + " is " + token.status()
					+ ", but its events leave it " + status));
		}
		else if (status.equals("REVOKED") && !Objects.equals(reason, token.revokeReason())) {
			problems.add(new Violation(Violation.TOKEN_AGREES_WITH_EVENTS, who + " was revoked for "
					+ token.revokeReason() + ", but its REVOKED event says " + reason));
		}
		if (status.equals("ACTIVE") && token.status().equals("ACTIVE") && !current.equals(stored)) {
			problems.add(new Violation(Violation.TOKEN_AGREES_WITH_EVENTS, who + " has '" + stored
					+ "', but its events leave '" + current + "'"));
		}
		return problems;
	}

	/** The rows as the events spell them: sorted by set, then project (all first), joined by ';'. */
	static String text(List<Row> rows) {
		List<Row> sorted = new ArrayList<>(rows);
		sorted.sort(java.util.Comparator.comparing(Row::permissionSet)
			.thenComparing(Row::projectId, java.util.Comparator.nullsFirst(java.util.Comparator.naturalOrder())));
		StringBuilder text = new StringBuilder();
		for (Row row : sorted) {
			if (!text.isEmpty()) {
				text.append(';');
			}
			text.append(row.permissionSet()).append('@').append(row.projectId() == null ? "all" : row.projectId());
		}
		return text.toString();
	}

	private static String blankAsEmpty(String text) {
		return text == null ? "" : text;
	}
}
