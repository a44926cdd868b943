package io.keyshift.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.keyshift.input.Export;
import io.keyshift.input.InputProblem;
import io.keyshift.job.StopSignal;
import io.keyshift.token.DeliveryKey;
import io.keyshift.token.InvalidDeliveryKeyException;

import org.springframework.context.ConfigurableApplicationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keyshift migrate}: checks everything that can be checked without a database (the export's
 * files and headers, the delivery key, the report directory), and only then starts Spring and the
 * job ({@link MigrationLauncher}). A problem found before the start exits 2 with nothing written,
 * not even a database.
 */
@Command(name = "migrate", mixinStandardHelpOptions = true, versionProvider = KeyshiftCli.Version.class, sortOptions = false, sortSynopsis = false, usageHelpWidth = 100,
		description = { "Decides, per user and account, what the export asks for; mints the personal access"
				+ " tokens, marks (or revokes) the legacy keys, queues a sealed notification per user and writes"
				+ " the report. Rehearse with --dry-run; after a failure, run the same command again to resume." })
final class MigrateCli implements CliCommand {

	/** The smallest --max-rate other than 0 (no limit). */
	static final java.math.BigDecimal MIN_RATE = new java.math.BigDecimal("0.01");

	@Option(names = "--input", paramLabel = "DIR", required = true, description = "the export: accounts.csv,"
			+ " legacy_api_keys.csv, account_memberships.csv, optional api_key_usage.csv")
	String input;

	@Option(names = "--dry-run", arity = "0", description = "decide and report only: no token minted, nothing"
			+ " written to the product's tables, no delivery key needed")
	boolean dryRun;

	@Option(names = "--report-dir", paramLabel = "DIR", description = "where report.csv, rejects.csv, summary.json"
			+ " and summary.html go (default: reports/run-<N>-<time>, or reports/dry-run-<N>-<time>; N is the run's"
			+ " number). Never one that holds another run's report")
	String reportDir;

	@Option(names = "--revoke-legacy-keys", arity = "0", description = "revoke each migrated legacy key in the"
			+ " same run")
	boolean revokeLegacyKeys;

	@Option(names = "--delivery-key-file", paramLabel = "FILE", description = "32 random bytes, base64 (openssl"
			+ " rand -base64 32 > FILE): new tokens are kept encrypted under it until delivered. Required for a"
			+ " real run (or KEYSHIFT_DELIVERY_KEY_FILE); a regular file, read again whenever the run resumes.")
	String deliveryKeyFile;

	@Option(names = "--threads", paramLabel = "N", description = "users decided in N parallel partitions"
			+ " (default: the number of cores; embedded H2: always 1); a resumed run may use another N")
	String threads;

	@Option(names = "--accept-unattributed-rows", arity = "0", description = "go on despite membership rows whose"
			+ " user_id cannot be read (a real run stops on them: they could hide a grant of anyone); they stay in"
			+ " rejects.csv")
	boolean acceptUnattributedRows;

	@Option(names = "--max-revocations", paramLabel = "N", description = "a real run that would revoke more than N"
			+ " personal access tokens (users who lost access since an earlier run) stops before writing"
			+ " anything, exit 2 (default: the larger of 10 and 5%% of the ACTIVE tokens of the users in the"
			+ " export)")
	String maxRevocations;

	@Option(names = "--max-rate", paramLabel = "N", description = "decide at most N users per second, across all"
			+ " threads (decimals allowed: 0.5 is one user every 2 s; 0: no limit); a resumed run keeps the last one"
			+ " given")
	String maxRate;

	@Option(names = "--pause-file", paramLabel = "FILE", description = "while FILE exists, the migrate workers"
			+ " finish their chunk and wait (\"paused\"); remove it to go on. A resumed run keeps the last one given")
	String pauseFile;

	@Option(names = "--remote", arity = "0", description = "the migrate step's partitions run on 'keyshift worker'"
			+ " processes (other hosts), through RabbitMQ (spring.rabbitmq.*); load and report stay here."
			+ " PostgreSQL only")
	boolean remote;

	@Override
	public String whenRequiredOptionMissing() {
		return "migrate needs --input DIR";
	}

	/** The run these options ask for (what identifies it, and the key file). */
	MigrateCommand command(CommandContext context) {
		return new MigrateCommand(OptionValues.path("--input", input), dryRun, OptionValues.path("--report-dir",
				reportDir), revokeLegacyKeys, OptionValues.deliveryKeyFile(deliveryKeyFile, context),
				acceptUnattributedRows);
	}

	/**
	 * The options that are Spring settings rather than part of the run: {@code --threads N} is
	 * {@code keyshift.threads}, {@code --max-revocations N} is {@code keyshift.max-revocations}.
	 */
	List<String> settings() {
		List<String> settings = new ArrayList<>();
		Long threadCount = OptionValues.number("--threads", threads);
		if (threadCount != null) {
			if (threadCount < 1 || threadCount > 256) {
				throw new UsageException("--threads takes a number from 1 to 256, not '" + threads + "'");
			}
			settings.add("--keyshift.threads=" + threadCount);
		}
		Long max = OptionValues.number("--max-revocations", maxRevocations);
		if (max != null) {
			if (max < 0) {
				throw new UsageException("--max-revocations takes a number of tokens, 0 or more, not '"
						+ maxRevocations + "'");
			}
			settings.add("--keyshift.max-revocations=" + max);
		}
		java.math.BigDecimal rate = OptionValues.decimal("--max-rate", maxRate);
		if (rate != null) {
			if (rate.signum() < 0 || rate.compareTo(java.math.BigDecimal.valueOf(100_000_000)) > 0) {
				throw new UsageException("--max-rate takes a number of users per second, 0 (no limit) or more, not '"
						+ maxRate + "'");
			}
			if (rate.signum() > 0 && rate.compareTo(MIN_RATE) < 0) {
				// smaller rates round to 0 (no limit) or wait for days between two chunks
				throw new UsageException("--max-rate takes at least " + MIN_RATE.toPlainString()
						+ " users per second (one user every 100 s), or 0 for no limit, not '" + maxRate + "'");
			}
			settings.add("--keyshift.max-rate=" + rate.stripTrailingZeros().toPlainString());
		}
		Path pause = OptionValues.path("--pause-file", pauseFile);
		if (pause != null) {
			settings.add("--keyshift.pause-file=" + pause.toAbsolutePath().normalize());
		}
		if (remote) {
			if (maxRate != null || pauseFile != null) {
				// the workers on other hosts would not honour them: refused rather than ignored
				throw new UsageException("--max-rate and --pause-file work on local runs only, not with --remote");
			}
			settings.add("--keyshift.remote.role=manager");
		}
		return settings;
	}

	@Override
	public int run(CommandContext context) {
		List<String> springArgs = context.springArgsWith(settings());
		MigrateCommand command = command(context);
		Export export;
		try {
			export = Export.open(command.input());
			checkDeliveryKey(command, context);
			checkReportDir(command.reportDir());
		}
		catch (InputProblem | InvalidDeliveryKeyException ex) {
			context.err().println("keyshift: " + ex.getMessage() + ". Nothing was written.");
			return ExitCodes.USAGE;
		}
		ConfigurableApplicationContext spring;
		Signals.installBeforeStart(context.err(), "the run");
		try {
			spring = Cli.start(springArgs, false);
		}
		catch (Cli.NotStarted ex) {
			context.err().println(ex.getMessage());
			return ex.exitCode();
		}
		try (spring) {
			String unreachable = RemoteMode.unreachableBroker(spring);
			if (unreachable != null) {
				context.err().println("keyshift: migrate --remote " + unreachable + ". Nothing was written.");
				return ExitCodes.FAILED;
			}
			PrintStream out = context.out();
			PrintStream err = context.err();
			if (LoggedLines.structured(spring.getEnvironment())) {
				out = LoggedLines.info();
				err = LoggedLines.error();
			}
			StopSignal stop = spring.getBean(StopSignal.class);
			Signals.install(stop, err);
			int exitCode = spring.getBean(MigrationLauncher.class).launch(command, export, out, err);
			stop.end();
			return exitCode;
		}
	}

	private static void checkDeliveryKey(MigrateCommand command, CommandContext context) {
		if (command.dryRun()) {
			return;
		}
		if (command.deliveryKeyFile() == null) {
			throw new UsageException("a real run needs --delivery-key-file FILE (new tokens are kept encrypted under"
					+ " it until delivered; make one with: openssl rand -base64 32 > delivery.key; chmod 600"
					+ " delivery.key), or use --dry-run");
		}
		Path file = command.deliveryKeyFile();
		if (Files.exists(file) && !Files.isDirectory(file) && !Files.isRegularFile(file)) {
			// The run reads the key again when it starts the job and whenever it resumes (also after a
			// transient database error, in this process): a pipe would be empty the second time.
			throw new InvalidDeliveryKeyException("delivery key file " + file + " is not a regular file (a pipe can"
					+ " be read only once, and migrate reads the key again whenever the run resumes): keep the key"
					+ " in a file readable only by you");
		}
		DeliveryKey.load(file);
		Cli.warnIfReadableByOthers(file, context.err());
	}

	private static void checkReportDir(Path reportDir) {
		String problem = ReportDirectories.unusable(reportDir);
		if (problem != null) {
			throw new UsageException(problem);
		}
	}
}
