package io.keyshift.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import io.keyshift.claim.ClaimOptions;
import io.keyshift.claim.ClaimSettings;
import io.keyshift.claim.ClaimStore;
import io.keyshift.claim.LinkDelivery;

import io.keyshift.job.StopSignal;
import io.keyshift.notify.DeliveryCommand;
import io.keyshift.token.DeliveryKey;
import io.keyshift.token.InvalidDeliveryKeyException;

import org.springframework.context.ConfigurableApplicationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keyshift deliver}: the key is read here, once (so it may come from a pipe), before anything
 * starts; then the same application starts as for migrate (same database settings, Flyway, no job)
 * and hands over to {@link DeliveryCommand}, which checks the mail settings.
 */
@Command(name = "deliver", mixinStandardHelpOptions = true, versionProvider = KeyshiftCli.Version.class, sortOptions = false, sortSynopsis = false, usageHelpWidth = 100,
		description = { "E-mails the pending notifications (one per user, with the new tokens), each decrypted"
				+ " just before it is sent; on success it is marked delivered and its ciphertext erased. A message"
				+ " that fails stays pending and is tried again by a later deliver, after a growing wait (1 min, 2,"
				+ " 4 ... 1 h).", "",
				"Mail: SPRING_MAIL_HOST, SPRING_MAIL_PORT, SPRING_MAIL_USERNAME, SPRING_MAIL_PASSWORD,",
				"  --spring.mail.properties.mail.smtp.starttls.enable=true,",
				"  and the From address KEYSHIFT_MAIL_FROM (or --keyshift.mail.from=...).", "" })
final class DeliverCli implements CliCommand {

	@Option(names = "--dry-run", arity = "0", description = "shows the messages (tokens withheld) and who would get"
			+ " them: no key needed, nothing decrypted, sent or changed")
	boolean dryRun;

	@Option(names = "--now", arity = "0", description = "retry the notifications waiting for their retry now (after"
			+ " fixing the mail server), not when each is due")
	boolean now;

	@Option(names = "--retry-undeliverable", arity = "0", description = "send again the notifications the mail"
			+ " server refused for good (5xx: UNDELIVERABLE), after fixing their addresses in"
			+ " token_notification.email")
	boolean retryUndeliverable;

	@Option(names = "--delivery-key-file", paramLabel = "FILE", description = "the key migrate was given (or"
			+ " KEYSHIFT_DELIVERY_KEY_FILE)")
	String deliveryKeyFile;

	@Option(names = "--mode", paramLabel = "link|token", description = "link (the default): a new-token message"
			+ " carries a one-time claim link to keyshift serve's page instead of the tokens (needs"
			+ " keyshift.claim.base-url); token: the tokens in the e-mail, as before (with a warning)")
	String mode = "link";

	@Option(names = "--reissue", paramLabel = "USER_ID", arity = "1..*", split = ",", description = "fresh claim"
			+ " links for these users; their old ones die")
	List<String> reissue = new ArrayList<>();

	@Option(names = "--waive-key-check", arity = "0", description = "with --reissue: the new links show the tokens"
			+ " without the user's legacy key (logged with your name)")
	boolean waiveKeyCheck;

	@Option(names = "--reissue-expired", arity = "0", description = "fresh links for every expired, unclaimed one")
	boolean reissueExpired;

	/** The claim options, checked. */
	ClaimOptions claims() {
		if (!mode.equals("link") && !mode.equals("token")) {
			throw new UsageException("--mode is link or token, not '" + mode + "'");
		}
		List<Long> users = new ArrayList<>();
		for (String id : reissue) {
			if (!id.strip().matches("[0-9]{1,18}") || Long.parseLong(id.strip()) == 0) {
				throw new UsageException("--reissue takes user ids (positive numbers), not '" + id + "'");
			}
			users.add(Long.parseLong(id.strip()));
		}
		ClaimOptions options = new ClaimOptions(mode.equals("token"), users, waiveKeyCheck, reissueExpired);
		String problem = options.problem(dryRun);
		if (problem != null) {
			throw new UsageException(problem);
		}
		return options;
	}

	/** The key file to use: the option, else KEYSHIFT_DELIVERY_KEY_FILE, else null. */
	Path deliveryKeyFile(CommandContext context) {
		if (dryRun && now) {
			throw new UsageException("--now sends at once and --dry-run sends nothing: give one of them");
		}
		if (dryRun && retryUndeliverable) {
			throw new UsageException("--retry-undeliverable sends and --dry-run sends nothing: give one of them");
		}
		return OptionValues.deliveryKeyFile(deliveryKeyFile, context);
	}

	@Override
	public int run(CommandContext context) {
		Path keyFile = deliveryKeyFile(context);
		ClaimOptions claims = claims();
		DeliveryKey key = null;
		if (!dryRun) {
			if (keyFile == null) {
				context.err().println("keyshift: deliver needs --delivery-key-file FILE (the key migrate sealed the"
						+ " tokens with), or use --dry-run. Nothing was sent.");
				return ExitCodes.USAGE;
			}
			try {
				key = DeliveryKey.loadExisting(keyFile);
				Cli.warnIfReadableByOthers(keyFile, context.err());
			}
			catch (InvalidDeliveryKeyException ex) {
				context.err().println("keyshift: " + ex.getMessage() + ". Nothing was sent.");
				return ExitCodes.USAGE;
			}
		}
		ConfigurableApplicationContext spring;
		Signals.installBeforeStart(context.err(), "delivery");
		try {
			spring = Cli.start(context.springArgs(), true);
		}
		catch (Cli.NotStarted ex) {
			context.err().println(ex.getMessage());
			return ex.exitCode();
		}
		try (spring) {
			PrintStream out = context.out();
			PrintStream err = context.err();
			if (LoggedLines.structured(spring.getEnvironment())) {
				out = LoggedLines.info();
				err = LoggedLines.error();
			}
			StopSignal stop = spring.getBean(StopSignal.class);
			Signals.install(stop, err);
			DeliveryCommand delivery = spring.getBean(DeliveryCommand.class);
			if (!claims.tokenMode()) {
				// a dry run in link mode previews the link-mode message, and needs the base URL too
				delivery.withClaimLinks(new LinkDelivery(spring.getBean(ClaimSettings.class),
						spring.getBean(ClaimStore.class), claims, Clock.systemUTC()));
			}
			else if (!dryRun) {
				delivery.inTokenMode(LinkDelivery.TOKEN_MODE_WARNING);
			}
			int exitCode = delivery.run(dryRun, now, retryUndeliverable, key, stop::requested, out, err);
			stop.end();
			return exitCode;
		}
	}
}
