package io.keyshift.cli;

import java.nio.file.Path;
import java.util.List;

import io.keyshift.generate.ExportGenerator;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code keyshift generate}: a synthetic export for rehearsals and benchmarks; no database. */
@Command(name = "generate", mixinStandardHelpOptions = true, versionProvider = KeyshiftCli.Version.class, sortOptions = false, sortSynopsis = false, usageHelpWidth = 100,
		description = { "Writes a synthetic export of N users (deterministic for a seed) for rehearsals and"
				+ " benchmarks." })
final class GenerateCli implements CliCommand {

	@Option(names = "--users", paramLabel = "N", required = true, description = "how many users (at least 1)")
	String users;

	@Option(names = "--seed", paramLabel = "S", description = "the seed (default: 1); the same seed writes the"
			+ " same export")
	String seed;

	@Option(names = "--out", paramLabel = "DIR", required = true, description = "the directory to write the export"
			+ " to")
	String out;

	@Option(names = "--force", arity = "0", description = "write over an export already in DIR")
	boolean force;

	@Override
	public String whenRequiredOptionMissing() {
		return "generate needs --users N (at least 1) and --out DIR";
	}

	/** What to write: checked options. */
	record Request(long users, long seed, Path out, boolean force) {
	}

	Request request() {
		Long userCount = OptionValues.number("--users", users);
		Long seedValue = OptionValues.number("--seed", seed);
		Path dir = OptionValues.path("--out", out);
		if (userCount == null || userCount < 1 || dir == null) {
			throw new UsageException(whenRequiredOptionMissing());
		}
		return new Request(userCount, seedValue == null ? 1 : seedValue, dir, force);
	}

	@Override
	public int run(CommandContext context) {
		Request request = request();
		if (!request.force()) {
			List<String> existing = ExportGenerator.existingFiles(request.out());
			if (!existing.isEmpty()) {
				throw new UsageException("--out " + request.out() + " already holds an export ("
						+ String.join(", ", existing) + "): give a new directory, or add --force to write over it");
			}
		}
		long started = System.nanoTime();
		ExportGenerator.GeneratedExport export = new ExportGenerator()
			.generate(new ExportGenerator.Options(request.users(), request.seed()), request.out());
		context.out().printf("keyshift: wrote %,d users to %s in %.1f s: %,d accounts, %,d legacy keys, %,d membership"
				+ " rows, %,d usage rows%n", request.users(), request.out(), (System.nanoTime() - started) / 1e9,
				export.accounts(), export.legacyKeys(), export.membershipRows(), export.usageRows());
		return ExitCodes.OK;
	}
}
