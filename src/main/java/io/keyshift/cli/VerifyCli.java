package io.keyshift.cli;

import java.nio.file.Path;

import io.keyshift.input.Export;
import io.keyshift.input.ExportReader;
import io.keyshift.input.InputProblem;
import io.keyshift.store.VerifyStore;
import io.keyshift.verify.Audit;
import io.keyshift.verify.ExportCases;
import io.keyshift.verify.ExportDrift;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keyshift verify}: audits the database against the invariants of SPEC §3 to §9, reading
 * only; exit 0 when all hold, 1 with the list of what is broken.
 */
@Command(name = "verify", mixinStandardHelpOptions = true, versionProvider = KeyshiftCli.Version.class,
		sortOptions = false, usageHelpWidth = 100,
		description = { "Audits the database, changing nothing: at most one ACTIVE personal access token per"
				+ " (user, account); every token's permissions normalised; delivered notifications hold no"
				+ " payload; legacy key statuses agree with their users' decisions; each token's state agrees"
				+ " with its token_event history. Exit 0 when all holds, 1 with a list of what is broken." })
final class VerifyCli implements CliCommand {

	@Option(names = "--input", paramLabel = "DIR", description = "also check every ACTIVE token of a user in this"
			+ " export against the permissions SPEC §3 derives from it (a drift check before a scheduled run);"
			+ " changes nothing. Holds the export's rows in memory")
	String input;

	@Override
	public int run(CommandContext context) {
		try {
			return verify(context);
		}
		catch (OutOfMemoryError ex) {
			return outOfHeap(context);
		}
		catch (UsageException ex) {
			// a wrong option is the command line's to tell (exit 2), not a failure of the database
			throw ex;
		}
		catch (RuntimeException ex) {
			// on H2 a query that runs out of heap comes back as H2's "Out of memory" error
			if (MemoryShortage.explain(ex) != null) {
				return outOfHeap(context);
			}
			context.err().println("keyshift: verify could not finish: " + Cli.rootMessage(ex)
					+ ". It changed nothing; run it again once the database is reachable.");
			return ExitCodes.FAILED;
		}
	}

	private int outOfHeap(CommandContext context) {
		// --input holds the export in memory: a big export needs more than the launcher's default heap
		context.err().println("keyshift: verify ran out of Java heap (the heap limit is "
				+ Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB" + (input != null ? "; --input holds the"
						+ " export's rows in memory, a few hundred bytes a row" : "")
				+ "): give it more (KEYSHIFT_HEAP=2g bin/keyshift verify ..., or java -Xmx2g -jar keyshift.jar"
				+ " verify ...). Nothing was checked or changed.");
		return ExitCodes.USAGE;
	}

	private int verify(CommandContext context) {
		Path dir = OptionValues.path("--input", input);
		ExportCases export = null;
		if (dir != null) {
			try {
				export = new ExportCases();
				new ExportReader(export).read(Export.open(dir));
			}
			catch (InputProblem ex) {
				context.err().println("keyshift: " + ex.getMessage() + ". Nothing was checked.");
				return ExitCodes.USAGE;
			}
		}
		ConfigurableApplicationContext spring;
		try {
			spring = Cli.start(context.springArgs(), Cli.Existing.reader("verify"));
		}
		catch (Cli.NotStarted ex) {
			context.err().println(ex.getMessage());
			return ex.exitCode();
		}
		try (spring) {
			VerifyStore store = new VerifyStore(spring.getBean(JdbcTemplate.class));
			Audit audit = new Audit();
			store.activePairs(audit);
			store.tokens(audit);
			store.deliveredWithPayload(audit);
			store.keyStatuses(audit);
			String drift = "";
			if (export != null) {
				ExportDrift check = new ExportDrift();
				check.check(export.cases(store.earlier()), audit);
				drift = String.format("; %,d ACTIVE tokens compared with %s (not compared: %,d of quarantined pairs,"
						+ " left alone as a run leaves them, and %,d of users not in the export)", check.checked(), dir,
						check.quarantined(),
						store.activeTokens() - check.checked() - check.quarantined());
			}
			if (audit.total() == 0) {
				context.out().println("keyshift: verify: every invariant holds" + drift);
				return ExitCodes.OK;
			}
			audit.print(context.out());
			if (!drift.isEmpty()) {
				context.out().println(drift.substring(2));
			}
			context.err().println("keyshift: verify found " + String.format("%,d", audit.total()) + " problem" + (audit.total() == 1 ? "" : "s")
					+ " (listed above); it changed nothing.");
			return ExitCodes.FAILED;
		}
	}
}
