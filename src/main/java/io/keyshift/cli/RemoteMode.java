package io.keyshift.cli;

import java.io.PrintStream;

import io.keyshift.job.StopSignal;
import io.keyshift.remote.WorkerLoop;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the command line adds for {@code migrate --remote} and {@code worker}: both need PostgreSQL
 * (an embedded H2 file is one process's: a worker cannot share it), and both say at once when the
 * broker cannot be reached.
 */
final class RemoteMode {

	private RemoteMode() {
	}

	/** Why {@code role} cannot run on the database at {@code url}, or null. */
	static String refusal(String role, String url) {
		if (role == null || role.isBlank() || url == null || !url.regionMatches(true, 0, "jdbc:h2:", 0, 8)) {
			return null;
		}
		String what = role.equals("worker") ? "worker" : "migrate --remote";
		return what + " needs PostgreSQL (SPRING_DATASOURCE_URL=jdbc:postgresql://...): the manager and its"
				+ " workers share one database, and an H2 file belongs to one process";
	}

	/** Null when the broker answers, else what to tell the operator. */
	static String unreachableBroker(ConfigurableApplicationContext context) {
		String role = context.getEnvironment().getProperty("keyshift.remote.role");
		if (!"manager".equals(role)) {
			return null;
		}
		ConnectionFactory broker = context.getBean(ConnectionFactory.class);
		try {
			broker.createConnection().close();
			return null;
		}
		catch (RuntimeException ex) {
			return "cannot reach the broker at " + broker.getHost() + ":" + broker.getPort() + " ("
					+ Cli.rootMessage(ex) + "); check spring.rabbitmq.* (SPRING_RABBITMQ_HOST, ...)";
		}
	}

	static int runWorker(ConfigurableApplicationContext context, StopSignal stop, PrintStream out, PrintStream err) {
		return context.getBean(WorkerLoop.class).run(stop::requested, out, err);
	}
}
