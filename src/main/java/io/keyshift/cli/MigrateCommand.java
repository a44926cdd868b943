package io.keyshift.cli;

import java.nio.file.Path;

/**
 * {@code migrate --input DIR [--dry-run] [--report-dir DIR] [--revoke-legacy-keys] [--delivery-key-file F]
 * [--accept-unattributed-rows]}. {@code reportDir} and {@code deliveryKeyFile} are null when not given.
 */
public record MigrateCommand(Path input, boolean dryRun, Path reportDir, boolean revokeLegacyKeys,
		Path deliveryKeyFile, boolean acceptUnattributedRows) {

	public MigrateCommand(Path input, boolean dryRun, Path reportDir, boolean revokeLegacyKeys, Path deliveryKeyFile) {
		this(input, dryRun, reportDir, revokeLegacyKeys, deliveryKeyFile, false);
	}
}
