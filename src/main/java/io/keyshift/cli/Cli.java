package io.keyshift.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.keyshift.KeyshiftApplication;
import io.keyshift.store.RunLock;
import io.keyshift.token.DeliveryKey;

import picocli.CommandLine;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The command line: picocli parses it into one of the commands {@link KeyshiftCli} lists (each
 * checks what it can without a database, and only then starts Spring: nothing is started while the
 * command line is read). {@code --spring.*}, {@code --keyshift.*} and {@code --logging.*} arguments
 * pass through to Spring Boot untouched. A bad command line is one line on stderr, exit 2.
 */
public final class Cli {

	private Cli() {
	}

	public static void main(String[] args) {
		Signals.installAtStart(System.err);
		System.exit(run(args, System.out, System.err));
	}

	public static int run(String[] args, PrintStream out, PrintStream err) {
		return run(args, out, err, System::getenv);
	}

	static int run(String[] args, PrintStream out, PrintStream err, Function<String, String> environment) {
		CommandLine commandLine = KeyshiftCli.commandLine();
		commandLine.setOut(new PrintWriter(out, true));
		commandLine.setErr(new PrintWriter(err, true));
		try {
			Parsed parsed = parse(commandLine, args, environment, out, err);
			if (CommandLine.printHelpIfRequested(parsed.result())) {
				return ExitCodes.OK;
			}
			if (!(parsed.command() instanceof MigrateCli || parsed.command() instanceof DeliverCli)) {
				// they replace the start's signal handling with their own; the others do with the JVM's
				Signals.restoreJvmHandlers();
			}
			return parsed.command().run(parsed.context());
		}
		catch (UsageException ex) {
			err.println("keyshift: " + ex.getMessage() + ". Try 'keyshift --help'.");
			return ExitCodes.USAGE;
		}
	}

	/** A command line read: the command to run (its options set) and what it runs with. */
	record Parsed(CommandLine.ParseResult result, CliCommand command, CommandContext context) {
	}

	/** Reads the command line; a {@link UsageException} when it cannot be run as given. */
	static Parsed parse(CommandLine commandLine, String[] args, Function<String, String> environment, PrintStream out,
			PrintStream err) {
		List<String> springArgs = new ArrayList<>();
		List<String> own = new ArrayList<>();
		for (String arg : args) {
			if (arg.startsWith("--spring.") || arg.startsWith("--keyshift.") || arg.startsWith("--logging.")
					|| arg.startsWith("--server.")) {
				springArgs.add(arg);
			}
			else {
				own.add(arg);
			}
		}
		CommandLine.ParseResult result;
		try {
			result = commandLine.parseArgs(own.toArray(String[]::new));
		}
		catch (CommandLine.ParameterException ex) {
			throw new UsageException(UsageErrors.message(ex, own));
		}
		CommandLine.ParseResult leaf = result;
		while (leaf.subcommand() != null) {
			leaf = leaf.subcommand();
		}
		CliCommand command = leaf.commandSpec().userObject() instanceof CliCommand c ? c : null;
		return new Parsed(result, command, new CommandContext(out, err, springArgs, environment));
	}

	/**
	 * Starts {@code keyshift serve} and returns at once with its context (close it to stop) and port,
	 * or the exit code of a start that did not happen: for tests, and for {@link ServeCli}.
	 */
	public static ServeCli.Served startServer(String[] args, PrintStream out, PrintStream err) {
		try {
			Parsed parsed = parse(KeyshiftCli.commandLine(), args, System::getenv, out, err);
			if (!(parsed.command() instanceof ServeCli serve)) {
				throw new UsageException("startServer runs serve only");
			}
			return serve.start(parsed.context());
		}
		catch (UsageException ex) {
			err.println("keyshift: " + ex.getMessage() + ". Try 'keyshift --help'.");
			return new ServeCli.Served(null, ExitCodes.USAGE, 0);
		}
	}

	/** Parses for a test: the command and its context (output to nowhere). */
	static Parsed parse(Function<String, String> environment, String... args) {
		PrintStream nowhere = new PrintStream(java.io.OutputStream.nullOutputStream());
		return parse(KeyshiftCli.commandLine(), args, environment, nowhere, nowhere);
	}

	/** Spring could not start; the message is the one line to print. */
	static final class NotStarted extends Exception {

		private final int exitCode;

		NotStarted(String message, int exitCode) {
			super(message, null, false, false);
			this.exitCode = exitCode;
		}

		int exitCode() {
			return exitCode;
		}
	}

	/**
	 * How a command that needs the database migrate made starts on it: the command's name in the
	 * messages, what it says it did not do, and whether it only reads (then Flyway does not run: a
	 * reader never changes the schema, also not beside a run that is going).
	 */
	record Existing(String command, String nothing, String nothingCreated, boolean readOnly) {

		static final Existing DELIVER = new Existing("deliver", " Nothing was sent.", " Nothing was created or sent.",
				false);

		/** {@code serve}: the claim pages on deliver's database. */
		static final Existing SERVE = new Existing("serve", " Nothing was started.", " Nothing was started.", false);

		/** A command that only reads ({@code status}, {@code verify}). */
		static Existing reader(String command) {
			return new Existing(command, "", " Nothing was created.", true);
		}
	}

	/**
	 * Starts the application (datasource, Flyway, the job's beans; Boot's batch auto-run is off).
	 * With {@code existingDatabase}, an embedded H2 database that does not exist yet is not created:
	 * deliver in the wrong directory should say so, not find an empty new database with nothing
	 * pending. The URL is read from the environment Spring prepared, so every way of setting it counts.
	 */
	static ConfigurableApplicationContext start(List<String> springArgs, boolean existingDatabase)
			throws NotStarted {
		return start(springArgs, existingDatabase ? Existing.DELIVER : null);
	}

	/** Starts the application for migrate ({@code existing} null) or for a command on migrate's database. */
	static ConfigurableApplicationContext start(List<String> springArgs, Existing existing) throws NotStarted {
		return start(springArgs, existing, app -> {
		});
	}

	/** As above; {@code customize} adjusts the application before it runs (serve's web server, its key). */
	static ConfigurableApplicationContext start(List<String> springArgs, Existing existing,
			java.util.function.Consumer<SpringApplication> customize) throws NotStarted {
		SpringApplication app = new SpringApplication(KeyshiftApplication.class);
		customize.accept(app);
		// A failed start is told in one line below. The whole error (with its stack
		// trace) with --logging.level.org.springframework.boot.SpringApplication=error.
		Map<String, Object> defaults = new java.util.HashMap<>(Map.of(
				"logging.level.org.springframework.boot.SpringApplication", "off",
				"logging.level.org.springframework.context", "error"));
		if (existing != null && existing.readOnly()) {
			defaults.put("spring.flyway.enabled", "false");
		}
		app.setDefaultProperties(defaults);
		AtomicReference<DatabaseTarget> target = new AtomicReference<>(new DatabaseTarget(datasourceUrl(springArgs), null, null));
		String nothing = existing != null ? existing.nothing() : " Nothing was written.";
		app.addListeners((ApplicationListener<ApplicationEnvironmentPreparedEvent>) event -> {
			var env = event.getEnvironment();
			String url = env.getProperty("spring.datasource.url");
			DatabaseTarget database = new DatabaseTarget(url, env.getProperty("spring.datasource.username"),
					env.getProperty("spring.datasource.password"));
			target.set(database);
			String malformed = database.malformed();
			if (malformed != null) {
				throw new Refused("keyshift: " + malformed + "." + nothing);
			}
			String remote = RemoteMode.refusal(env.getProperty("keyshift.remote.role"), url);
			if (remote != null) {
				throw new Refused("keyshift: " + remote + "." + nothing);
			}
			if (existing == null) {
				String mode = h2ModeWithoutRunLock(url);
				if (mode != null) {
					throw new UnsupportedDatabaseMode(mode);
				}
			}
			else {
				Path file = embeddedDatabaseFile(url);
				if (file != null && !Files.exists(file)) {
					throw new Refused("keyshift: no keyshift database at " + file + ": run " + existing.command()
							+ " in the directory migrate ran in (its embedded database is ./data there), or point"
							+ " SPRING_DATASOURCE_URL at migrate's database." + existing.nothing());
				}
				if (!hasKeyshiftTables(database)) {
					throw new Refused("keyshift: the database " + database.shown() + " has no keyshift tables: it is"
							+ " not the database migrate used. Point SPRING_DATASOURCE_URL at migrate's database (for"
							+ " the embedded one, run " + existing.command() + " in the directory migrate ran in)."
							+ existing.nothingCreated());
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
			String setting = SettingProblem.explain(ex);
			if (setting != null) {
				throw new NotStarted("keyshift: " + setting + ". Fix it and rerun the same command; nothing was"
						+ " changed.", ExitCodes.USAGE);
			}
			if (embeddedDatabaseInUse(ex)) {
				RunLock.Holder holder = RunLock.h2Holder(datasourceUrl(springArgs));
				if (existing != null && existing.readOnly()) {
					throw new NotStarted("keyshift: a keyshift run holds the embedded database now ("
							+ (holder == null ? "H2 allows one process at a time" : holder.toString()) + "): H2 lets"
							+ " one process open it, so " + existing.command() + " cannot read it until that run"
							+ " ends (its progress is in its own output; on PostgreSQL " + existing.command()
							+ " reads beside a run). Run it again then.", ExitCodes.FAILED);
				}
				throw new NotStarted("keyshift: another keyshift run holds the embedded database ("
						+ (holder == null ? "H2 allows one process at a time" : holder.toString())
						+ "). Nothing was changed; wait for it to finish, or stop it (SIGTERM) and rerun its command.",
						ExitCodes.USAGE);
			}
			String server = webServerProblem(ex);
			if (server != null) {
				throw new NotStarted("keyshift: " + server, server.contains("already in use") ? ExitCodes.USAGE
						: ExitCodes.FAILED);
			}
			if (MemoryShortage.heapRanOut(ex)) {
				// not the database's fault: blaming it would send the operator the wrong way
				throw new NotStarted("keyshift: cannot start: the Java heap ran out of memory (the heap limit is "
						+ Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB): give it more (KEYSHIFT_HEAP=1g"
						+ " bin/keyshift ..., or java -Xmx1g -jar keyshift.jar ...) and rerun the same command. Nothing"
						+ " was changed.", ExitCodes.USAGE);
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

	/** The key opens every token not yet delivered: say so when other users may read its file. */
	static void warnIfReadableByOthers(Path file, PrintStream err) {
		String permissions = DeliveryKey.readableByOthers(file);
		if (permissions != null) {
			err.println("keyshift: warning: delivery key file " + file + " can be read by other users (" + permissions
					+ "): make it readable only by you with: chmod 600 " + file);
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

	/**
	 * The line for a web server (keyshift serve) that could not start: its port taken, an address it
	 * cannot bind; null when {@code failure} is something else.
	 */
	static String webServerProblem(Throwable failure) {
		for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof org.springframework.boot.web.server.PortInUseException taken) {
				return "cannot start: port " + taken.getPort() + " is already in use (--port, server.port): stop what"
						+ " listens there or choose another port. Nothing was started.";
			}
		}
		for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof org.springframework.boot.web.server.WebServerException) {
				return "cannot start: the web server could not start: " + rootMessage(t)
						+ " (server.address, --port). Nothing was started.";
			}
		}
		return null;
	}
}
