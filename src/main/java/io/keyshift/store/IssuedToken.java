package io.keyshift.store;

import java.util.List;
import java.util.UUID;

import io.keyshift.migration.Grant;

/**
 * A PAT as the database keeps it: its digest and hint, never its value. {@code decisionIndex} is the
 * position of the CREATED decision it belongs to; {@code permissionsText} is {@code permissions} as
 * the report writes them, formatted once for the notification and the decision row alike.
 */
public record IssuedToken(UUID id, int decisionIndex, long accountId, String name, String digest, String hint,
		List<Grant> permissions, String permissionsText) {
}
