package io.keyshift.cli;

import java.nio.file.Path;
import java.util.List;

import io.keyshift.job.StopSignal;
import io.keyshift.token.DeliveryKey;
import io.keyshift.token.InvalidDeliveryKeyException;

import org.springframework.context.ConfigurableApplicationContext;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keyshift worker}: runs migrate partitions sent by {@code migrate --remote} through RabbitMQ,
 * until SIGTERM. The delivery key is checked here, before anything starts: a worker without a
 * usable key refuses to start (exit 2). It reads the key from its own file, never from the broker.
 */
@Command(name = "worker", mixinStandardHelpOptions = true, versionProvider = KeyshiftCli.Version.class, sortOptions = false, usageHelpWidth = 100,
		description = { "Takes migrate partitions from RabbitMQ (spring.rabbitmq.*) and runs them against the"
				+ " manager's PostgreSQL database, until SIGTERM: it then finishes its chunk and hands the partition"
				+ " back. Exit 1 when the database or the broker cannot be reached." })
final class WorkerCli implements CliCommand {

	@Option(names = "--delivery-key-file", paramLabel = "FILE", description = "the run's delivery key (or"
			+ " KEYSHIFT_DELIVERY_KEY_FILE); it never crosses the broker: without it the worker refuses to start")
	String deliveryKeyFile;

	@Override
	public int run(CommandContext context) {
		Path keyFile = OptionValues.deliveryKeyFile(deliveryKeyFile, context);
		if (keyFile == null) {
			context.err().println("keyshift: worker needs --delivery-key-file FILE (the key of the runs it works on;"
					+ " it never crosses the broker). The worker did not start.");
			return ExitCodes.USAGE;
		}
		try {
			DeliveryKey.loadExisting(keyFile);
			Cli.warnIfReadableByOthers(keyFile, context.err());
		}
		catch (InvalidDeliveryKeyException ex) {
			context.err().println("keyshift: " + ex.getMessage() + ". The worker did not start.");
			return ExitCodes.USAGE;
		}
		List<String> springArgs = context.springArgsWith(List.of("--keyshift.remote.role=worker",
				"--keyshift.remote.delivery-key-file=" + keyFile.toAbsolutePath()));
		ConfigurableApplicationContext spring;
		try {
			spring = Cli.start(springArgs, false);
		}
		catch (Cli.NotStarted ex) {
			context.err().println(ex.getMessage().replace("Nothing was written.", "The worker did not start."));
			return ex.exitCode();
		}
		try (spring) {
			StopSignal stop = spring.getBean(StopSignal.class);
			Signals.install(stop, context.err());
			int exitCode = RemoteMode.runWorker(spring, stop, context.out(), context.err());
			stop.end();
			return exitCode;
		}
	}
}
