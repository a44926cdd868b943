package io.keyshift.remote;

import java.io.PrintStream;
import java.time.Duration;
import java.util.function.BooleanSupplier;

import org.springframework.amqp.rabbit.connection.ConnectionFactory;
import org.springframework.context.Lifecycle;
import org.springframework.dao.DataAccessException;

/**
 * {@code keyshift worker}'s life: check that the broker answers, join the registry, beat, take
 * partition requests until SIGTERM, then stop taking them, let the running partitions end at their
 * chunk boundary (each is handed back, and another worker resumes it), and leave.
 */
public class WorkerLoop {

	/** Exit codes, as the command line's. */
	public static final int OK = 0;

	public static final int FAILED = 1;

	public static final int USAGE = 2;

	private final WorkerRegistry registry;

	private final WorkerRegistry.Worker me;

	private final RemoteSettings settings;

	private final ConnectionFactory broker;

	private final Lifecycle inbound;

	private final WorkerRefusal refusal;

	public WorkerLoop(WorkerRegistry registry, WorkerRegistry.Worker me, RemoteSettings settings,
			ConnectionFactory broker, Lifecycle inbound, WorkerRefusal refusal) {
		this.registry = registry;
		this.me = me;
		this.settings = settings;
		this.broker = broker;
		this.inbound = inbound;
		this.refusal = refusal;
	}

	public int run(BooleanSupplier stopRequested, PrintStream out, PrintStream err) {
		try {
			broker.createConnection().close();
		}
		catch (RuntimeException ex) {
			err.println("keyshift: worker: cannot reach the broker at " + broker.getHost() + ":" + broker.getPort()
					+ " (" + rootMessage(ex) + "). Check spring.rabbitmq.* (SPRING_RABBITMQ_HOST, ...).");
			return FAILED;
		}
		registry.join(me);
		out.println("keyshift: " + me + " takes partitions from queue " + settings.queue()
				+ "; SIGTERM stops it after the current chunk");
		inbound.start();
		int exit = OK;
		long nextBeat = System.nanoTime() + settings.heartbeat().toNanos();
		int missedBeats = 0;
		try {
			while (!stopRequested.getAsBoolean() && refusal.reason() == null) {
				sleep(Duration.ofMillis(100));
				if (System.nanoTime() < nextBeat) {
					continue;
				}
				nextBeat = System.nanoTime() + settings.heartbeat().toNanos();
				try {
					if (!registry.beat(me.id())) {
						// declared gone and removed (it was silent too long): its partitions went to others
						err.println("keyshift: worker: this worker was declared gone (no heartbeat within "
								+ settings.workerTimeout().toSeconds() + " s) and its partitions handed to others;"
								+ " stopping. Start it again to take new work.");
						exit = FAILED;
						break;
					}
					missedBeats = 0;
				}
				catch (DataAccessException ex) {
					missedBeats++;
					if (settings.heartbeat().multipliedBy(missedBeats).compareTo(settings.workerTimeout()) >= 0) {
						err.println("keyshift: worker: the database does not answer (" + rootMessage(ex) + ");"
								+ " stopping. Its partitions go to other workers.");
						exit = FAILED;
						break;
					}
				}
			}
			if (refusal.reason() != null) {
				err.println("keyshift: worker: " + refusal.reason() + ". Give it the run's key (--delivery-key-file)."
						+ " This worker stops; the request went back to the queue.");
				exit = USAGE;
			}
			else if (exit == OK) {
				out.println("keyshift: worker: stopping: the running partitions end after their current chunk and"
						+ " go back to the manager");
			}
		}
		finally {
			inbound.stop();
			try {
				registry.leave(me.id());
			}
			catch (DataAccessException ex) {
				// gone from the database too: the manager finds it silent and hands its partitions over
			}
		}
		if (exit == OK) {
			out.println("keyshift: worker: stopped");
		}
		return exit;
	}

	private static void sleep(Duration pause) {
		try {
			Thread.sleep(pause.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static String rootMessage(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
	}
}
