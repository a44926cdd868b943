package io.keyshift.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;

import io.keyshift.KeyshiftApplication;
import io.keyshift.generate.ExportGenerator;
import io.keyshift.input.Export;
import io.keyshift.input.InputProblem;
import io.keyshift.job.StopSignal;
import io.keyshift.store.RunLock;
import io.keyshift.token.DeliveryKey;
import io.keyshift.token.InvalidDeliveryKeyException;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The command line: parses it, checks everything that can be checked without a database (the
 * export's files and headers, the delivery key, the report directory), and only then starts Spring
 * and the job. A problem found before the start exits 2 with nothing written, not even a database.
 */
public final class Cli {

	private Cli() {
	}

	public static void main(String[] args) {
		System.exit(run(args, System.out, System.err));
	}

	public static int run(String[] args, PrintStream out, PrintStream err) {
		Arguments.Migrate migrate;
		Export export;
		MigrateCommand command;
		try {
			Arguments.Parsed parsed = Arguments.parse(args, System.getenv("KEYSHIFT_DELIVERY_KEY_FILE"));
			if (parsed instanceof Arguments.Help) {
				out.print(Arguments.USAGE);
				return ExitCodes.OK;
			}
			if (parsed instanceof Arguments.Generate generate) {
				return generate(generate, out);
			}
			migrate = (Arguments.Migrate) parsed;
			command = withDefaults(migrate.command());
			export = Export.open(command.input());
			checkDeliveryKey(command);
			checkReportDir(command.reportDir());
		}
		catch (UsageException ex) {
			err.println("keyshift: " + ex.getMessage() + ". Try 'keyshift --help'.");
			return ExitCodes.USAGE;
		}
		catch (InputProblem | InvalidDeliveryKeyException ex) {
			err.println("keyshift: " + ex.getMessage() + ". Nothing was written.");
			return ExitCodes.USAGE;
		}
		return launch(command, export, migrate, out, err);
	}

	private static int launch(MigrateCommand command, Export export, Arguments.Migrate migrate, PrintStream out,
			PrintStream err) {
		ConfigurableApplicationContext context;
		try {
			SpringApplication app = new SpringApplication(KeyshiftApplication.class);
			app.setDefaultProperties(Map.of());
			context = app.run(migrate.springArgs().toArray(String[]::new));
		}
		catch (RuntimeException ex) {
			if (embeddedDatabaseInUse(ex)) {
				RunLock.Holder holder = RunLock.h2Holder(datasourceUrl(migrate.springArgs()));
				err.println("keyshift: another keyshift run holds the embedded database ("
						+ (holder == null ? "H2 allows one process at a time" : holder.toString())
						+ "). Nothing was changed; wait for it to finish, or stop it (SIGTERM) and rerun its command.");
				return ExitCodes.USAGE;
			}
			err.println("keyshift: cannot start: " + rootMessage(ex)
					+ ". Check the database settings; rerun the same command once it is reachable.");
			return ExitCodes.FAILED;
		}
		try (context) {
			Signals.install(context.getBean(StopSignal.class), err);
			return context.getBean(MigrationLauncher.class).launch(command, export, out, err);
		}
	}

	private static int generate(Arguments.Generate command, PrintStream out) {
		long started = System.nanoTime();
		ExportGenerator.GeneratedExport export = new ExportGenerator()
			.generate(new ExportGenerator.Options(command.users(), command.seed()), command.out());
		out.printf("keyshift: wrote %,d users to %s in %.1f s: %,d accounts, %,d legacy keys, %,d membership rows,"
				+ " %,d usage rows%n", command.users(), command.out(), (System.nanoTime() - started) / 1e9,
				export.accounts(), export.legacyKeys(), export.membershipRows(), export.usageRows());
		return ExitCodes.OK;
	}

	static MigrateCommand withDefaults(MigrateCommand command) {
		Path reportDir = command.reportDir();
		if (reportDir == null) {
			reportDir = command.dryRun()
					? Path.of("reports", "dry-run-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")))
					: null;
		}
		return new MigrateCommand(command.input(), command.dryRun(), reportDir, command.revokeLegacyKeys(),
				command.deliveryKeyFile());
	}

	private static void checkDeliveryKey(MigrateCommand command) {
		if (command.dryRun()) {
			return;
		}
		if (command.deliveryKeyFile() == null) {
			throw new UsageException("a real run needs --delivery-key-file FILE (new tokens are kept encrypted under"
					+ " it until delivered; make one with: openssl rand -base64 32 > delivery.key), or use --dry-run");
		}
		DeliveryKey.load(command.deliveryKeyFile());
	}

	private static void checkReportDir(Path reportDir) {
		if (reportDir != null && Files.exists(reportDir) && !Files.isDirectory(reportDir)) {
			throw new UsageException("--report-dir " + reportDir + " exists and is not a directory");
		}
	}

	/** H2 error 90020: the file database is open in another process. */
	private static boolean embeddedDatabaseInUse(Throwable ex) {
		for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof java.sql.SQLException sql && sql.getErrorCode() == 90020) {
				return true;
			}
		}
		return false;
	}

	/** The datasource URL the application was given: argument, then environment, then the default. */
	private static String datasourceUrl(java.util.List<String> springArgs) {
		for (String arg : springArgs) {
			if (arg.startsWith("--spring.datasource.url=")) {
				return arg.substring("--spring.datasource.url=".length());
			}
		}
		String env = System.getenv("SPRING_DATASOURCE_URL");
		return env != null && !env.isBlank() ? env : "jdbc:h2:file:./data/keyshift";
	}

	static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = root.getMessage();
		return message == null ? root.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
	}
}
