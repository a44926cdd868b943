package io.keyshift.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.keyshift.KeyshiftApplication;
import io.keyshift.claim.ClaimSettings;
import io.keyshift.claim.ClaimStore;
import io.keyshift.claim.LinkDelivery;
import io.keyshift.generate.ExportGenerator;
import io.keyshift.input.Export;
import io.keyshift.input.InputProblem;
import io.keyshift.job.StopSignal;
import io.keyshift.notify.DeliveryCommand;
import io.keyshift.store.RunLock;
import io.keyshift.token.DeliveryKey;
import io.keyshift.token.InvalidDeliveryKeyException;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The command line: parses it, checks everything that can be checked without a database (the
 * export's files and headers, the delivery key, the report directory), and only then starts Spring
 * and the job. A problem found before the start exits 2 with nothing written, not even a database.
 * {@code deliver} starts the same application (same database settings, Flyway, no job: Boot's
 * batch auto-run is off in {@code application.yml}) and hands over to {@link DeliveryCommand}.
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
			if (parsed instanceof Arguments.Version) {
				out.println("keyshift " + version());
				return ExitCodes.OK;
			}
			if (parsed instanceof Arguments.Generate generate) {
				return generate(generate, out);
			}
			if (parsed instanceof Arguments.Deliver deliver) {
				return deliver(deliver, out, err);
			}
			if (parsed instanceof Arguments.Serve serve) {
				return serve(serve, out, err);
			}
			migrate = (Arguments.Migrate) parsed;
			command = migrate.command();
			export = Export.open(command.input());
			checkDeliveryKey(command, err);
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
			context = start(migrate.springArgs(), false);
		}
		catch (NotStarted ex) {
			err.println(ex.getMessage());
			return ex.exitCode;
		}
		try (context) {
			StopSignal stop = context.getBean(StopSignal.class);
			Signals.install(stop, err);
			int exitCode = context.getBean(MigrationLauncher.class).launch(command, export, out, err);
			stop.end();
			return exitCode;
		}
	}

	/**
	 * {@code deliver}: the key is read here, once (so it may come from a pipe), before anything
	 * starts; the mail settings are Spring's and are checked by {@link DeliveryCommand}.
	 */
	private static int deliver(Arguments.Deliver command, PrintStream out, PrintStream err) {
		DeliveryKey key = null;
		if (!command.dryRun()) {
			if (command.deliveryKeyFile() == null) {
				err.println("keyshift: deliver needs --delivery-key-file FILE (the key migrate sealed the tokens with),"
						+ " or use --dry-run. Nothing was sent.");
				return ExitCodes.USAGE;
			}
			try {
				key = DeliveryKey.loadExisting(command.deliveryKeyFile());
				warnIfReadableByOthers(command.deliveryKeyFile(), err);
			}
			catch (InvalidDeliveryKeyException ex) {
				err.println("keyshift: " + ex.getMessage() + ". Nothing was sent.");
				return ExitCodes.USAGE;
			}
		}
		ConfigurableApplicationContext context;
		try {
			context = start(command.springArgs(), true);
		}
		catch (NotStarted ex) {
			err.println(ex.getMessage());
			return ex.exitCode;
		}
		try (context) {
			StopSignal stop = context.getBean(StopSignal.class);
			Signals.install(stop, err);
			DeliveryCommand delivery = context.getBean(DeliveryCommand.class);
			if (!command.dryRun()) {
				if (command.claims().tokenMode()) {
					delivery.inTokenMode(LinkDelivery.TOKEN_MODE_WARNING);
				}
				else {
					ClaimStore claims = context.getBean(ClaimStore.class);
					java.time.Clock clock = java.time.Clock.systemUTC();
					delivery.withClaimLinks(() -> LinkDelivery.prepare(context.getBean(ClaimSettings.class), claims,
							command.claims(), clock, out, err), () -> LinkDelivery.waiting(claims, clock));
				}
			}
			int exitCode = delivery.run(command.dryRun(), command.now(), key, stop::requested, out, err);
			stop.end();
			return exitCode;
		}
	}

	/** {@code serve}: starts the claim pages and returns when the process is told to stop. */
	private static int serve(Arguments.Serve command, PrintStream out, PrintStream err) {
		Served served = startServer(command, out, err);
		if (served.context() == null) {
			return served.exitCode();
		}
		java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
		served.context().addApplicationListener(
				(ApplicationListener<org.springframework.context.event.ContextClosedEvent>) e -> closed.countDown());
		try {
			// SIGTERM and Ctrl-C close the context through Spring Boot's shutdown hook
			while (served.context().isActive() && !closed.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
				// waiting
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return ExitCodes.OK;
	}

	/** A started {@code serve}: its context, or the exit code of a start that did not happen. */
	public record Served(ConfigurableApplicationContext context, int exitCode, int port) {
	}

	/**
	 * Starts {@code keyshift serve}'s web server (the claim pages) and returns at once, for
	 * {@link #run} and for tests: the context (close it to stop) and the port it listens on.
	 */
	public static Served startServer(String[] args, PrintStream out, PrintStream err) {
		try {
			Arguments.Parsed parsed = Arguments.parse(args, System.getenv("KEYSHIFT_DELIVERY_KEY_FILE"));
			if (!(parsed instanceof Arguments.Serve serve)) {
				throw new UsageException("startServer runs serve only");
			}
			return startServer(serve, out, err);
		}
		catch (UsageException ex) {
			err.println("keyshift: " + ex.getMessage() + ". Try 'keyshift --help'.");
			return new Served(null, ExitCodes.USAGE, 0);
		}
	}

	private static Served startServer(Arguments.Serve command, PrintStream out, PrintStream err) {
		if (command.deliveryKeyFile() == null) {
			err.println("keyshift: serve needs --delivery-key-file FILE (the key migrate sealed the tokens with: the"
					+ " claim page decrypts them). Nothing was started.");
			return new Served(null, ExitCodes.USAGE, 0);
		}
		DeliveryKey key;
		try {
			key = DeliveryKey.loadExisting(command.deliveryKeyFile());
			warnIfReadableByOthers(command.deliveryKeyFile(), err);
		}
		catch (InvalidDeliveryKeyException ex) {
			err.println("keyshift: " + ex.getMessage() + ". Nothing was started.");
			return new Served(null, ExitCodes.USAGE, 0);
		}
		List<String> springArgs = new java.util.ArrayList<>(command.springArgs());
		springArgs.add("--spring.main.web-application-type=servlet");
		springArgs.add("--keyshift.serve.enabled=true");
		if (command.port() != null) {
			springArgs.add("--server.port=" + command.port());
		}
		ConfigurableApplicationContext context;
		try {
			context = start(springArgs, true, "Nothing was started.", app -> app.addInitializers(
					ctx -> ctx.getBeanFactory().registerSingleton("deliveryKey", key)));
		}
		catch (NotStarted ex) {
			err.println(ex.getMessage());
			return new Served(null, ex.exitCode, 0);
		}
		String problem = context.getBean(ClaimSettings.class).problem();
		if (problem != null) {
			context.close();
			err.println("keyshift: " + problem + ". Nothing was started.");
			return new Served(null, ExitCodes.USAGE, 0);
		}
		int port = ((org.springframework.boot.web.server.context.WebServerApplicationContext) context).getWebServer()
			.getPort();
		out.println("keyshift: serve: claim pages on port " + port + " (GET /health for the proxy); SIGTERM or Ctrl-C"
				+ " stops it");
		return new Served(context, ExitCodes.OK, port);
	}

	/** Spring could not start; the message is the one line to print. */
	private static final class NotStarted extends Exception {

		private final int exitCode;

		NotStarted(String message, int exitCode) {
			super(message, null, false, false);
			this.exitCode = exitCode;
		}
	}

	/**
	 * Starts the application (datasource, Flyway, the job's beans; Boot's batch auto-run is off).
	 * With {@code existingDatabase}, an embedded H2 database that does not exist yet is not created:
	 * deliver in the wrong directory should say so, not find an empty new database with nothing
	 * pending. The URL is read from the environment Spring prepared, so every way of setting it counts.
	 */
	private static ConfigurableApplicationContext start(List<String> springArgs, boolean existingDatabase)
			throws NotStarted {
		return start(springArgs, existingDatabase, existingDatabase ? "Nothing was sent." : "Nothing was written.",
				app -> {
				});
	}

	private static ConfigurableApplicationContext start(List<String> springArgs, boolean existingDatabase,
			String nothing, java.util.function.Consumer<SpringApplication> customize) throws NotStarted {
		SpringApplication app = new SpringApplication(KeyshiftApplication.class);
		customize.accept(app);
		// A failed start is told in one line below. The whole error (with its stack
		// trace) with --logging.level.org.springframework.boot.SpringApplication=error.
		app.setDefaultProperties(Map.of("logging.level.org.springframework.boot.SpringApplication", "off",
				"logging.level.org.springframework.context", "error"));
		AtomicReference<DatabaseTarget> target = new AtomicReference<>(new DatabaseTarget(datasourceUrl(springArgs), null, null));
		app.addListeners((ApplicationListener<ApplicationEnvironmentPreparedEvent>) event -> {
			var env = event.getEnvironment();
			String url = env.getProperty("spring.datasource.url");
			DatabaseTarget database = new DatabaseTarget(url, env.getProperty("spring.datasource.username"),
					env.getProperty("spring.datasource.password"));
			target.set(database);
			String malformed = database.malformed();
			if (malformed != null) {
				throw new Refused("keyshift: " + malformed + ". " + nothing);
			}
			if (!existingDatabase) {
				String mode = h2ModeWithoutRunLock(url);
				if (mode != null) {
					throw new UnsupportedDatabaseMode(mode);
				}
			}
			else {
				Path file = embeddedDatabaseFile(url);
				if (file != null && !Files.exists(file)) {
					throw new Refused("keyshift: no keyshift database at " + file + ": run deliver in the directory"
							+ " migrate ran in (its embedded database is ./data there), or point SPRING_DATASOURCE_URL"
							+ " at migrate's database. " + nothing);
				}
				if (!hasKeyshiftTables(database)) {
					throw new Refused("keyshift: the database " + database.shown() + " has no keyshift tables: it is"
							+ " not the database migrate used. Point SPRING_DATASOURCE_URL at migrate's database (for"
							+ " the embedded one, run deliver in the directory migrate ran in). Nothing was created"
							+ " or sent.");
				}
			}
		});
		try {
			return app.run(springArgs.toArray(String[]::new));
		}
		catch (Refused ex) {
			throw new NotStarted(ex.line, ExitCodes.USAGE);
		}
		catch (UnsupportedDatabaseMode ex) {
			throw new NotStarted("keyshift: migrate cannot hold its run lock on H2 " + ex.mode + ": another process"
					+ " can write to the database beside it. Use H2 embedded (jdbc:h2:file:./data/keyshift, the"
					+ " default) or PostgreSQL. Nothing was written.", ExitCodes.USAGE);
		}
		catch (RuntimeException ex) {
			if (embeddedDatabaseInUse(ex)) {
				RunLock.Holder holder = RunLock.h2Holder(datasourceUrl(springArgs));
				throw new NotStarted("keyshift: another keyshift run holds the embedded database ("
						+ (holder == null ? "H2 allows one process at a time" : holder.toString())
						+ "). Nothing was changed; wait for it to finish, or stop it (SIGTERM) and rerun its command.",
						ExitCodes.USAGE);
			}
			throw new NotStarted("keyshift: " + target.get().explain(ex) + ".", ExitCodes.FAILED);
		}
	}

	/**
	 * Whether the database has keyshift's tables; true when it cannot be asked (the start that follows
	 * then fails and says why, or finds another process holding the embedded database).
	 */
	private static boolean hasKeyshiftTables(DatabaseTarget database) {
		try {
			return database.hasKeyshiftTables();
		}
		catch (java.sql.SQLException ex) {
			return true;
		}
	}

	/**
	 * Abandons the start quietly, before anything is created: Spring Boot neither logs it as a failure
	 * nor prints its stack. The message is the one line to print.
	 */
	private static final class Refused extends SpringApplication.AbandonedRunException {

		private final String line;

		Refused(String line) {
			this.line = line;
		}
	}

	/** Abandons a migrate start on an H2 URL whose mode the run lock cannot cover. */
	private static final class UnsupportedDatabaseMode extends SpringApplication.AbandonedRunException {

		private final String mode;

		UnsupportedDatabaseMode(String mode) {
			this.mode = mode;
		}
	}

	/**
	 * Why the run lock cannot hold on this H2 URL, or null when it can (any other database, or H2
	 * embedded: a file database is locked by the one process that opens it, an in-memory one is the
	 * process's own). In server mode ({@code tcp:}, {@code ssl:}) the server holds the file and any
	 * number of processes connect; with {@code AUTO_SERVER=TRUE} the first process starts such a
	 * server for the others; {@code FILE_LOCK=NO} switches the file lock off. Never the URL itself,
	 * which may carry a password.
	 */
	private static final java.util.Set<String> H2_FALSE = java.util.Set.of("FALSE", "0", "NO", "N", "F", "OFF");

	static String h2ModeWithoutRunLock(String url) {
		if (url == null || !url.regionMatches(true, 0, "jdbc:h2:", 0, "jdbc:h2:".length())) {
			return null;
		}
		String[] parts = url.substring("jdbc:h2:".length()).split(";");
		String name = parts[0].toLowerCase(java.util.Locale.ROOT);
		if (name.startsWith("tcp:") || name.startsWith("ssl:")) {
			return "in server mode (a jdbc:h2:" + name.substring(0, 3) + ": URL)";
		}
		for (int i = 1; i < parts.length; i++) {
			String[] option = parts[i].split("=", 2);
			String key = option[0].strip().toUpperCase(java.util.Locale.ROOT);
			String value = option.length > 1 ? option[1].strip().toUpperCase(java.util.Locale.ROOT) : "";
			// H2 reads TRUE, 1, YES, T, Y (any case) as true: anything but a false word turns the mode on
			if (key.equals("AUTO_SERVER") && !H2_FALSE.contains(value)) {
				return "in AUTO_SERVER mode (AUTO_SERVER=" + value + " in the URL)";
			}
			if (key.equals("FILE_LOCK") && value.equals("NO")) {
				return "without its file lock (FILE_LOCK=NO in the URL)";
			}
		}
		return null;
	}

	/**
	 * The file of an embedded H2 database URL ({@code jdbc:h2:file:./data/keyshift;...} or
	 * {@code jdbc:h2:./data/keyshift}): {@code ./data/keyshift.mv.db}. Null for any other URL.
	 */
	static Path embeddedDatabaseFile(String url) {
		if (url == null || !url.startsWith("jdbc:h2:")) {
			return null;
		}
		String name = url.substring("jdbc:h2:".length());
		int options = name.indexOf(';');
		if (options >= 0) {
			name = name.substring(0, options);
		}
		if (name.startsWith("file:")) {
			name = name.substring("file:".length());
		}
		else if (!(name.startsWith("/") || name.startsWith(".") || name.startsWith("~"))) {
			return null; // mem:, tcp:, ssl:, zip: ...
		}
		if (name.startsWith("~")) {
			name = System.getProperty("user.home") + name.substring(1);
		}
		return name.isBlank() ? null : Path.of(name + ".mv.db");
	}

	private static int generate(Arguments.Generate command, PrintStream out) {
		if (!command.force()) {
			List<String> existing = ExportGenerator.existingFiles(command.out());
			if (!existing.isEmpty()) {
				throw new UsageException("--out " + command.out() + " already holds an export (" + String.join(", ", existing)
						+ "): give a new directory, or add --force to write over it");
			}
		}
		long started = System.nanoTime();
		ExportGenerator.GeneratedExport export = new ExportGenerator()
			.generate(new ExportGenerator.Options(command.users(), command.seed()), command.out());
		out.printf("keyshift: wrote %,d users to %s in %.1f s: %,d accounts, %,d legacy keys, %,d membership rows,"
				+ " %,d usage rows%n", command.users(), command.out(), (System.nanoTime() - started) / 1e9,
				export.accounts(), export.legacyKeys(), export.membershipRows(), export.usageRows());
		return ExitCodes.OK;
	}

	private static void checkDeliveryKey(MigrateCommand command, PrintStream err) {
		if (command.dryRun()) {
			return;
		}
		if (command.deliveryKeyFile() == null) {
			throw new UsageException("a real run needs --delivery-key-file FILE (new tokens are kept encrypted under"
					+ " it until delivered; make one with: openssl rand -base64 32 > delivery.key; chmod 600 delivery.key), or use"
					+ " --dry-run");
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
		warnIfReadableByOthers(file, err);
	}

	/** The key opens every token not yet delivered: say so when other users may read its file. */
	private static void warnIfReadableByOthers(Path file, PrintStream err) {
		String permissions = DeliveryKey.readableByOthers(file);
		if (permissions != null) {
			err.println("keyshift: warning: delivery key file " + file + " can be read by other users (" + permissions
					+ "): make it readable only by you with: chmod 600 " + file);
		}
	}

	private static void checkReportDir(Path reportDir) {
		String problem = ReportDirectories.unusable(reportDir);
		if (problem != null) {
			throw new UsageException(problem);
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
	private static String datasourceUrl(List<String> springArgs) {
		for (String arg : springArgs) {
			if (arg.startsWith("--spring.datasource.url=")) {
				return arg.substring("--spring.datasource.url=".length());
			}
		}
		String env = System.getenv("SPRING_DATASOURCE_URL");
		return env != null && !env.isBlank() ? env : "jdbc:h2:file:./data/keyshift";
	}

	/** The version the jar was built as (its manifest), or "(development build)" when run from classes. */
	static String version() {
		String version = Cli.class.getPackage().getImplementationVersion();
		return version == null ? "(development build)" : version;
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
