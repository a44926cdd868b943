package io.keyshift.store;

import java.util.List;
import java.util.UUID;

import io.keyshift.migration.Grant;

/**
 * A PAT as the database keeps it: its digest and hint, never its value. {@code decisionIndex} is the
 * position of the CREATED decision it belongs to.
 */
public record IssuedToken(UUID id, int decisionIndex, long accountId, String name, String digest, String hint,
		List<Grant> permissions) {
}
