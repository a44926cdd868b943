package io.keyshift.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses the command line. Our own options are read here; {@code --spring.*}, {@code --keyshift.*}
 * and {@code --logging.*} settings pass through to Spring Boot untouched.
 */
public final class Arguments {

	public static final String USAGE = """
			Usage: keyshift migrate --input DIR [--dry-run] [--report-dir DIR]
			                        [--revoke-legacy-keys] [--delivery-key-file FILE]
			                        [--threads N] [--accept-unattributed-rows]
			                        [--max-revocations N]
			       keyshift deliver [--dry-run] [--now] [--delivery-key-file FILE]
			                        [--mode link|token] [--reissue USER_ID... [--waive-key-check]]
			                        [--reissue-expired]
			       keyshift serve [--port N] [--delivery-key-file FILE]
			       keyshift generate --users N [--seed S] --out DIR [--force]
			       keyshift --help | --version

			Migrates legacy user API keys to account-scoped personal access tokens (PATs),
			then e-mails each user their new tokens.

			migrate:

			  --input DIR              the export: accounts.csv, legacy_api_keys.csv,
			                           account_memberships.csv, optional api_key_usage.csv
			  --dry-run                decide and report only: no token minted, nothing written
			                           to the product's tables, no delivery key needed
			  --report-dir DIR         where report.csv, rejects.csv, summary.json and
			                           summary.html go (default: reports/run-<N>-<time>, or
			                           reports/dry-run-<N>-<time>; N is the run's number).
			                           Never one that holds another run's report
			  --revoke-legacy-keys     revoke each migrated legacy key in the same run
			  --delivery-key-file FILE 32 random bytes, base64 (openssl rand -base64 32 > FILE):
			                           new tokens are kept encrypted under it until delivered.
			                           Required for a real run (or KEYSHIFT_DELIVERY_KEY_FILE);
			                           a regular file, read again whenever the run resumes.
			  --threads N              users decided in N parallel partitions (default: the
			                           number of cores); a resumed run may use another N
			  --accept-unattributed-rows  go on despite membership rows whose user_id cannot
			                           be read (a real run stops on them: they could hide a
			                           grant of anyone); they stay in rejects.csv
			  --max-revocations N      a real run that would revoke more than N personal
			                           access tokens (users who lost access since an earlier
			                           run) stops before writing anything, exit 2 (default:
			                           the larger of 10 and 5% of the ACTIVE tokens of the
			                           users in the export)

			deliver:                   e-mails the pending notifications (one per user, with the
			                           new tokens), each decrypted just before it is sent; on
			                           success it is marked delivered and its ciphertext erased.
			                           A message that fails stays pending and is tried again by
			                           a later deliver, after a growing wait (1 min, 2, 4 ... 1 h).
			  --dry-run                shows the messages (tokens withheld) and who would get
			                           them: no key needed, nothing decrypted, sent or changed
			  --now                    retry the notifications waiting for their retry now (after
			                           fixing the mail server), not when each is due
			  --delivery-key-file FILE the key migrate was given (or KEYSHIFT_DELIVERY_KEY_FILE)
			  --mode link|token        link (the default): a new-token message carries a one-time
			                           claim link to keyshift serve's page instead of the tokens
			                           (needs keyshift.claim.base-url); token: the tokens in the
			                           e-mail, as before (with a warning)
			  --reissue USER_ID...     fresh claim links for these users; their old ones die
			  --waive-key-check        with --reissue: the new links show the tokens without the
			                           user's legacy key (logged with your name)
			  --reissue-expired        fresh links for every expired, unclaimed one

			serve:                     the claim pages users open from their link (embedded web
			                           server; behind your TLS proxy), on deliver's database
			  --port N                 the port (default 8080; or server.port)
			  --delivery-key-file FILE the key migrate was given: the page decrypts the tokens

			generate:                  writes a synthetic export of N users (deterministic for
			                           a seed) for rehearsals and benchmarks; --force writes
			                           over an export already in DIR

			Database: Spring Boot's settings (SPRING_DATASOURCE_URL, SPRING_DATASOURCE_USERNAME,
			SPRING_DATASOURCE_PASSWORD, or --spring.datasource.url=...). With none, an embedded
			H2 database under ./data is used: run deliver in the directory migrate ran in.

			Mail (deliver): SPRING_MAIL_HOST, SPRING_MAIL_PORT, SPRING_MAIL_USERNAME,
			SPRING_MAIL_PASSWORD, --spring.mail.properties.mail.smtp.starttls.enable=true,
			and the From address KEYSHIFT_MAIL_FROM (or --keyshift.mail.from=...).

			Exit codes: 0 completed (or already completed: nothing to do);
			              deliver: nothing is left pending
			            1 failed or stopped: rerun the same command to resume;
			              deliver: some notifications are still pending: run deliver again
			            2 bad usage or unusable input: nothing was written (deliver: nothing sent)
			""";

	/** What the command line asks for. */
	public sealed interface Parsed permits Help, Version, Migrate, Deliver, Generate, Serve {
	}

	/**
	 * {@code deliver [--dry-run] [--delivery-key-file F]}: sends the pending notifications.
	 * {@code deliveryKeyFile} is null when neither the option nor the environment gives one.
	 */
	public record Deliver(boolean dryRun, boolean now, Path deliveryKeyFile, List<String> springArgs,
			io.keyshift.claim.ClaimOptions claims) implements Parsed {

		/** Without {@code --now}. */
		public Deliver(boolean dryRun, Path deliveryKeyFile, List<String> springArgs) {
			this(dryRun, false, deliveryKeyFile, springArgs);
		}

		/** With the default claim options (link mode). */
		public Deliver(boolean dryRun, boolean now, Path deliveryKeyFile, List<String> springArgs) {
			this(dryRun, now, deliveryKeyFile, springArgs, io.keyshift.claim.ClaimOptions.DEFAULT);
		}
	}

	/** {@code serve [--port N] [--delivery-key-file F]}: the claim pages. */
	public record Serve(Integer port, Path deliveryKeyFile, List<String> springArgs) implements Parsed {
	}

	/**
	 * {@code generate --users N [--seed S] --out DIR [--force]}: a synthetic export for rehearsals and
	 * benchmarks; {@code force} writes over an export already in {@code out}.
	 */
	public record Generate(long users, long seed, Path out, boolean force) implements Parsed {
	}

	public record Help() implements Parsed {
	}

	public record Version() implements Parsed {
	}

	public record Migrate(MigrateCommand command, List<String> springArgs) implements Parsed {
	}

	private Arguments() {
	}

	public static Parsed parse(String[] args, String deliveryKeyFromEnvironment) {
		List<String> passThrough = new ArrayList<>();
		List<String> own = new ArrayList<>();
		for (String arg : args) {
			if (arg.startsWith("--spring.") || arg.startsWith("--keyshift.") || arg.startsWith("--logging.")
					|| arg.startsWith("--server.")) {
				passThrough.add(arg);
			}
			else {
				own.add(arg);
			}
		}
		if (own.contains("--help") || own.contains("-h") || own.contains("help")) {
			return new Help();
		}
		if (own.contains("--version") || !own.isEmpty() && own.get(0).equals("version")) {
			return new Version();
		}
		if (own.isEmpty()) {
			throw new UsageException("no command given");
		}
		String command = own.get(0);
		if (command.equals("generate")) {
			return generate(own);
		}
		if (command.equals("deliver")) {
			return deliver(own, passThrough, deliveryKeyFromEnvironment);
		}
		if (command.equals("serve")) {
			return serve(own, passThrough, deliveryKeyFromEnvironment);
		}
		if (!command.equals("migrate")) {
			throw new UsageException("unknown command '" + command + "'");
		}
		Path input = null;
		Path reportDir = null;
		Path deliveryKey = null;
		boolean dryRun = false;
		boolean revoke = false;
		boolean acceptUnattributed = false;
		for (int i = 1; i < own.size(); i++) {
			String arg = own.get(i);
			String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
			switch (name) {
				case "--dry-run" -> dryRun = flag(arg);
				case "--revoke-legacy-keys" -> revoke = flag(arg);
				case "--accept-unattributed-rows" -> acceptUnattributed = flag(arg);
				case "--threads" -> {
					String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1)
							: i + 1 < own.size() ? own.get(++i) : "";
					long threads = number(name, value);
					if (threads < 1 || threads > 256) {
						throw new UsageException("--threads takes a number from 1 to 256, not '" + value + "'");
					}
					passThrough.add("--keyshift.threads=" + threads);
				}
				case "--max-revocations" -> {
					String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1)
							: i + 1 < own.size() ? own.get(++i) : "";
					long max = number(name, value);
					if (max < 0) {
						throw new UsageException("--max-revocations takes a number of tokens, 0 or more, not '" + value
								+ "'");
					}
					passThrough.add("--keyshift.max-revocations=" + max);
				}
				case "--input", "--report-dir", "--delivery-key-file" -> {
					Path path = Path.of(value(arg, name, own, i));
					if (!arg.contains("=")) {
						i++;
					}
					switch (name) {
						case "--input" -> input = path;
						case "--report-dir" -> reportDir = path;
						default -> deliveryKey = path;
					}
				}
				default -> throw new UsageException("unknown option '" + arg + "'");
			}
		}
		if (input == null) {
			throw new UsageException("migrate needs --input DIR");
		}
		deliveryKey = orFromEnvironment(deliveryKey, deliveryKeyFromEnvironment);
		return new Migrate(new MigrateCommand(input, dryRun, reportDir, revoke, deliveryKey, acceptUnattributed),
				passThrough);
	}

	private static Deliver deliver(List<String> own, List<String> passThrough, String deliveryKeyFromEnvironment) {
		boolean dryRun = false;
		boolean now = false;
		Path deliveryKey = null;
		boolean tokenMode = false;
		List<Long> reissue = new ArrayList<>();
		boolean reissueGiven = false;
		boolean waive = false;
		boolean reissueExpired = false;
		for (int i = 1; i < own.size(); i++) {
			String arg = own.get(i);
			String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
			switch (name) {
				case "--dry-run" -> dryRun = flag(arg);
				case "--now" -> now = flag(arg);
				case "--waive-key-check" -> waive = flag(arg);
				case "--reissue-expired" -> reissueExpired = flag(arg);
				case "--mode" -> {
					String mode = value(arg, name, own, i);
					if (!arg.contains("=")) {
						i++;
					}
					if (!mode.equals("link") && !mode.equals("token")) {
						throw new UsageException("--mode is link or token, not '" + mode + "'");
					}
					tokenMode = mode.equals("token");
				}
				case "--reissue" -> {
					reissueGiven = true;
					List<String> ids = new ArrayList<>();
					if (arg.contains("=")) {
						ids.addAll(List.of(arg.substring(arg.indexOf('=') + 1).split(",")));
					}
					while (i + 1 < own.size() && !own.get(i + 1).startsWith("--")) {
						ids.addAll(List.of(own.get(++i).split(",")));
					}
					for (String id : ids) {
						if (!id.isBlank()) {
							reissue.add(userId(id.strip()));
						}
					}
				}
				case "--delivery-key-file" -> {
					deliveryKey = Path.of(value(arg, name, own, i));
					if (!arg.contains("=")) {
						i++;
					}
				}
				default -> throw new UsageException("unknown option '" + arg + "' for deliver");
			}
		}
		if (dryRun && now) {
			throw new UsageException("--now sends at once and --dry-run sends nothing: give one of them");
		}
		if (reissueGiven && reissue.isEmpty()) {
			throw new UsageException("--reissue needs the user ids whose links to send again (--reissue 2001 2002)");
		}
		io.keyshift.claim.ClaimOptions claims = new io.keyshift.claim.ClaimOptions(tokenMode, reissue, waive,
				reissueExpired);
		String problem = claims.problem(dryRun);
		if (problem != null) {
			throw new UsageException(problem);
		}
		deliveryKey = orFromEnvironment(deliveryKey, deliveryKeyFromEnvironment);
		return new Deliver(dryRun, now, deliveryKey, passThrough, claims);
	}

	private static long userId(String id) {
		if (!id.matches("[0-9]{1,19}")) {
			throw new UsageException("--reissue takes user ids (positive numbers), not '" + id + "'");
		}
		try {
			long value = Long.parseLong(id);
			if (value > 0) {
				return value;
			}
		}
		catch (NumberFormatException ex) {
			// falls through
		}
		throw new UsageException("--reissue takes user ids (positive numbers), not '" + id + "'");
	}

	private static Serve serve(List<String> own, List<String> passThrough, String deliveryKeyFromEnvironment) {
		Integer port = null;
		Path deliveryKey = null;
		for (int i = 1; i < own.size(); i++) {
			String arg = own.get(i);
			String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
			switch (name) {
				case "--port" -> {
					String value = value(arg, name, own, i);
					if (!arg.contains("=")) {
						i++;
					}
					if (!value.matches("[0-9]{1,5}") || Integer.parseInt(value) > 65535) {
						throw new UsageException("--port takes a number from 0 to 65535, not '" + value + "'");
					}
					port = Integer.parseInt(value);
				}
				case "--delivery-key-file" -> {
					deliveryKey = Path.of(value(arg, name, own, i));
					if (!arg.contains("=")) {
						i++;
					}
				}
				default -> throw new UsageException("unknown option '" + arg + "' for serve");
			}
		}
		return new Serve(port, orFromEnvironment(deliveryKey, deliveryKeyFromEnvironment), passThrough);
	}

	private static Generate generate(List<String> own) {
		Long users = null;
		long seed = 1;
		Path out = null;
		boolean force = false;
		for (int i = 1; i < own.size(); i++) {
			String arg = own.get(i);
			String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
			if (name.equals("--force")) {
				force = flag(arg);
				continue;
			}
			String value;
			if (arg.contains("=")) {
				value = arg.substring(arg.indexOf('=') + 1);
			}
			else if (i + 1 < own.size()) {
				value = own.get(++i);
			}
			else {
				throw new UsageException(name + " needs a value");
			}
			switch (name) {
				case "--users" -> users = number(name, value);
				case "--seed" -> seed = number(name, value);
				case "--out" -> out = Path.of(value);
				default -> throw new UsageException("unknown option '" + arg + "'");
			}
		}
		if (users == null || users < 1 || out == null) {
			throw new UsageException("generate needs --users N (at least 1) and --out DIR");
		}
		return new Generate(users, seed, out, force);
	}

	private static long number(String name, String value) {
		try {
			return Long.parseLong(value.replace("_", ""));
		}
		catch (NumberFormatException ex) {
			throw new UsageException(name + " takes a whole number, not '" + value + "'");
		}
	}

	/** The value of {@code --name=value} or {@code --name value} (at {@code own[i]}); never blank. */
	private static String value(String arg, String name, List<String> own, int i) {
		String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1)
				: i + 1 < own.size() && !own.get(i + 1).startsWith("--") ? own.get(i + 1) : null;
		if (value == null || value.isBlank()) {
			throw new UsageException(name + " needs a value");
		}
		return value;
	}

	/** The key file given on the command line, else KEYSHIFT_DELIVERY_KEY_FILE, else none. */
	private static Path orFromEnvironment(Path given, String fromEnvironment) {
		return given == null && fromEnvironment != null && !fromEnvironment.isBlank() ? Path.of(fromEnvironment)
				: given;
	}

	private static boolean flag(String arg) {
		if (arg.contains("=")) {
			throw new UsageException(arg.substring(0, arg.indexOf('=')) + " takes no value");
		}
		return true;
	}
}
