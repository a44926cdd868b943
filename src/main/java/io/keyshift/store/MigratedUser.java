package io.keyshift.store;

import java.util.List;

import io.keyshift.migration.Verdict;

/** One user, decided and (in a real run) with tokens minted and notification sealed: what a chunk writes. */
public record MigratedUser(Verdict verdict, List<IssuedToken> tokens, List<String> notes,
		PendingNotification notification) {

	public MigratedUser {
		tokens = List.copyOf(tokens);
		notes = List.copyOf(notes);
	}
}
