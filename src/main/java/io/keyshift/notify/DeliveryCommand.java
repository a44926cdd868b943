package io.keyshift.notify;

import java.io.PrintStream;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.function.Supplier;

import io.keyshift.store.NotificationStore;
import io.keyshift.token.DeliveryCipher;
import io.keyshift.token.DeliveryKey;
import io.keyshift.token.InvalidDeliveryKeyException;

import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code keyshift deliver [--dry-run] [--delivery-key-file F]}: sends the pending notifications
 * that are due, or (dry run) lists what would be sent without the key, the mail server or any
 * change. Returns the process exit code: 0 nothing failed, 1 some notifications could not be sent
 * (they stay pending; run again later), 2 bad usage (no key, no mail server, no From address).
 */
public class DeliveryCommand {

	public static final int OK = 0;

	public static final int FAILED = 1;

	public static final int USAGE = 2;

	private final NotificationStore store;

	private final Supplier<JavaMailSender> mailSender;

	private final PlatformTransactionManager transactionManager;

	private final MailSettings settings;

	private final Clock clock;

	public DeliveryCommand(NotificationStore store, Supplier<JavaMailSender> mailSender,
			PlatformTransactionManager transactionManager, MailSettings settings, Clock clock) {
		this.store = store;
		this.mailSender = mailSender;
		this.transactionManager = transactionManager;
		this.settings = settings;
		this.clock = clock;
	}

	public int run(boolean dryRun, Path deliveryKeyFile, PrintStream out, PrintStream err) {
		MessageRenderer renderer = new MessageRenderer();
		TransactionTemplate transactions = new TransactionTemplate(transactionManager);
		if (dryRun) {
			Deliverer deliverer = new Deliverer(store, renderer, null, null, settings.from(), clock, transactions,
					settings.backoff(), settings.lease(), settings.pageSize());
			Deliverer.PreviewResult result = deliverer.preview(p -> out.println("would send " + p.kind() + " to "
					+ p.email() + " (user " + p.userId() + ", notification " + p.id() + ", subject \""
					+ p.message().subject() + "\"" + (p.attempts() == 0 ? ""
							: ", " + p.attempts() + " failed attempts, last: " + p.lastError())
					+ ")"));
			out.println("keyshift: deliver (dry run): " + result.due() + " notifications due now would be sent, "
					+ result.pending() + " pending in all; tokens are withheld (nothing is decrypted in a dry run),"
					+ " nothing was sent or changed");
			return OK;
		}
		if (deliveryKeyFile == null) {
			err.println("keyshift: deliver needs --delivery-key-file FILE (the key the tokens were encrypted under"
					+ " by migrate), or use --dry-run. Nothing was sent.");
			return USAGE;
		}
		if (settings.from() == null || settings.from().isBlank()) {
			err.println("keyshift: set the From address of the notifications: keyshift.mail.from"
					+ " (KEYSHIFT_MAIL_FROM). Nothing was sent.");
			return USAGE;
		}
		JavaMailSender sender = mailSender.get();
		if (sender == null) {
			err.println("keyshift: no mail server configured: set spring.mail.host (SPRING_MAIL_HOST) and, as needed,"
					+ " spring.mail.port, spring.mail.username, spring.mail.password. Nothing was sent.");
			return USAGE;
		}
		DeliveryCipher cipher;
		try {
			cipher = new DeliveryCipher(DeliveryKey.load(deliveryKeyFile), new SecureRandom());
		}
		catch (InvalidDeliveryKeyException ex) {
			err.println("keyshift: " + ex.getMessage() + ". Nothing was sent.");
			return USAGE;
		}
		withTimeouts(sender);
		Deliverer deliverer = new Deliverer(store, renderer, cipher, new SmtpMailer(sender), settings.from(), clock,
				transactions, settings.backoff(), settings.lease(), settings.pageSize());
		Deliverer.Result result = deliverer.deliver();
		out.println("keyshift: deliver: " + result.sent() + " sent, " + result.failed() + " failed, "
				+ result.remaining() + " still pending"
				+ (result.nextDue() == null ? "" : "; the next is due at " + result.nextDue()));
		if (result.stoppedEarly()) {
			err.println("keyshift: stopped early: the mail server refused " + Deliverer.MAX_SEND_FAILURES_IN_A_ROW
					+ " messages in a row (see token_notification.last_error). Nothing was lost: every notification not"
					+ " sent stays pending. Check spring.mail.* and run deliver again.");
			return FAILED;
		}
		if (result.failed() > 0) {
			err.println("keyshift: " + result.failed() + " notifications could not be sent; they stay pending (see"
					+ " token_notification.last_error). Run deliver again after " + result.nextDue() + ".");
			return FAILED;
		}
		return OK;
	}

	/** JavaMail waits forever by default; a dead server must fail an attempt, not hang the run. */
	private static void withTimeouts(JavaMailSender sender) {
		if (sender instanceof JavaMailSenderImpl impl) {
			for (String key : new String[] { "connectiontimeout", "timeout", "writetimeout" }) {
				impl.getJavaMailProperties().putIfAbsent("mail.smtp." + key, "30000");
				impl.getJavaMailProperties().putIfAbsent("mail.smtps." + key, "30000");
			}
		}
	}
}
