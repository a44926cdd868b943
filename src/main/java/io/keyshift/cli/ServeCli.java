package io.keyshift.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.keyshift.claim.ClaimSettings;
import io.keyshift.store.NotificationStore;
import io.keyshift.token.DeliveryKey;
import io.keyshift.token.InvalidDeliveryKeyException;

import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.jdbc.core.JdbcTemplate;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keyshift serve}: the claim pages users open from their link (Spring MVC, embedded Tomcat),
 * on deliver's database, with the delivery key migrate sealed the tokens with (the page decrypts
 * them). It starts no batch job; it runs until SIGTERM or Ctrl-C (Spring Boot's shutdown hook).
 */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = KeyshiftCli.Version.class,
		sortOptions = false, sortSynopsis = false, usageHelpWidth = 100,
		description = { "Serves the claim pages users open from the link in their e-mail (behind your TLS proxy;"
				+ " GET /health for it). Spring Boot's server.* settings apply.", "" })
public final class ServeCli implements CliCommand {

	@Option(names = "--port", paramLabel = "N", description = "the port (default 8080, or server.port; 0: any free one)")
	Integer port;

	@Option(names = "--delivery-key-file", paramLabel = "FILE", description = "the key migrate was given (or"
			+ " KEYSHIFT_DELIVERY_KEY_FILE): the page decrypts the tokens when they are claimed")
	String deliveryKeyFile;

	/** A started serve: its context, or the exit code of a start that did not happen. */
	public record Served(ConfigurableApplicationContext context, int exitCode, int port) {
	}

	@Override
	public int run(CommandContext context) {
		Served served = start(context);
		if (served.context() == null) {
			return served.exitCode();
		}
		CountDownLatch closed = new CountDownLatch(1);
		served.context().addApplicationListener((ApplicationListener<ContextClosedEvent>) e -> closed.countDown());
		try {
			while (served.context().isActive() && !closed.await(1, TimeUnit.SECONDS)) {
				// serving until the shutdown hook closes the context
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return ExitCodes.OK;
	}

	Served start(CommandContext context) {
		if (port != null && (port < 0 || port > 65535)) {
			throw new UsageException("--port takes a number from 0 to 65535, not '" + port + "'");
		}
		Path keyFile = OptionValues.deliveryKeyFile(deliveryKeyFile, context);
		if (keyFile == null) {
			context.err().println("keyshift: serve needs --delivery-key-file FILE (the key migrate sealed the tokens"
					+ " with: the claim page decrypts them). Nothing was started.");
			return new Served(null, ExitCodes.USAGE, 0);
		}
		DeliveryKey key;
		try {
			key = DeliveryKey.loadExisting(keyFile);
			Cli.warnIfReadableByOthers(keyFile, context.err());
		}
		catch (InvalidDeliveryKeyException ex) {
			context.err().println("keyshift: " + ex.getMessage() + ". Nothing was started.");
			return new Served(null, ExitCodes.USAGE, 0);
		}
		List<String> springArgs = new ArrayList<>(context.springArgs());
		springArgs.add("--spring.main.web-application-type=servlet");
		springArgs.add("--keyshift.serve.enabled=true");
		if (port != null) {
			springArgs.add("--server.port=" + port);
		}
		ConfigurableApplicationContext spring;
		try {
			spring = Cli.start(springArgs, Cli.Existing.SERVE,
					app -> app.addInitializers(ctx -> ctx.getBeanFactory().registerSingleton("deliveryKey", key)));
		}
		catch (Cli.NotStarted ex) {
			context.err().println(ex.getMessage());
			return new Served(null, ex.exitCode(), 0);
		}
		String problem = spring.getBean(ClaimSettings.class).problem();
		if (problem != null) {
			spring.close();
			context.err().println("keyshift: " + problem + ". Nothing was started.");
			return new Served(null, ExitCodes.USAGE, 0);
		}
		try {
			String otherKey = otherKeyWarning(
					new NotificationStore(spring.getBean(JdbcTemplate.class)).awaitingClaimByRun(), key.id());
			if (otherKey != null) {
				context.err().println(otherKey);
			}
		}
		catch (org.springframework.dao.DataAccessException ex) {
			// only a warning: the pages serve on, and each claim reads the database again
		}
		int actual = ((WebServerApplicationContext) spring).getWebServer().getPort();
		context.out().println("keyshift: serve: claim pages on port " + actual + " (GET /health for the proxy);"
				+ " SIGTERM or Ctrl-C stops it");
		return new Served(spring, ExitCodes.OK, actual);
	}

	/**
	 * A warning when links wait for their claim under a delivery key other than {@code keyId} (by the
	 * key ids their runs recorded): their claims would fail until serve has that key. Null when none
	 * does, or only rows of the previous release (no key id) wait.
	 */
	static String otherKeyWarning(List<NotificationStore.RunPending> waiting, String keyId) {
		List<String> others = new ArrayList<>();
		long count = 0;
		for (NotificationStore.RunPending run : waiting) {
			if (run.deliveryKeyId() != null && !run.deliveryKeyId().equals(keyId)) {
				others.add("run " + run.runId() + " (" + String.format("%,d", run.pending()) + ", sealed with key id "
						+ run.deliveryKeyId() + ")");
				count += run.pending();
			}
		}
		if (others.isEmpty()) {
			return null;
		}
		return "keyshift: warning: this delivery key (id " + keyId + ") does not open " + (count == 1
				? "1 link" : String.format("%,d links", count)) + " waiting for their claim: " + String.join(", ", others)
				+ ". Their claims fail (nothing is used up) until serve runs with the key migrate sealed them with.";
	}
}
