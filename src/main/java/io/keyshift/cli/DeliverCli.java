package io.keyshift.cli;

import java.io.PrintStream;
import java.nio.file.Path;

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
			int exitCode = spring.getBean(DeliveryCommand.class).run(dryRun, now, retryUndeliverable, key,
					stop::requested, out, err);
			stop.end();
			return exitCode;
		}
	}
}
