package io.keyshift.remote;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import com.rabbitmq.client.ShutdownSignalException;

import org.springframework.amqp.rabbit.connection.Connection;
import org.springframework.amqp.rabbit.connection.ConnectionListener;

/**
 * A worker's connection to the broker, told in keyshift's lines: one when it is lost, one when it is
 * back. Spring AMQP and the RabbitMQ client report the same thing with stack traces, every few
 * seconds while the broker is away; their loggers are off on the console (application.yml), and the
 * whole exception is here at debug level ({@code --logging.level.keyshift=debug}).
 */
public class BrokerConnectionWatch implements ConnectionListener {

	private static final Log log = LogFactory.getLog("keyshift");

	private final String broker;

	private volatile boolean lost;

	/** When each open connection was made (a sequence number), to tell an outage's late reports. */
	private final Map<Object, Long> made = Collections.synchronizedMap(new WeakHashMap<>());

	private final AtomicLong sequence = new AtomicLong();

	/** The sequence number of the connection made when the broker came back last. */
	private volatile long back;

	/** @param broker the broker's host:port, as the worker names it */
	public BrokerConnectionWatch(String broker) {
		this.broker = broker;
	}

	@Override
	public void onShutDown(ShutdownSignalException signal) {
		if (signal.isInitiatedByApplication()) {
			return;
		}
		log.debug("worker: the connection to the broker was closed", signal);
		Long when = signal.getReference() == null ? null : made.remove(signal.getReference());
		if (when != null && when < back) {
			// a connection from before the broker came back (the worker may hold two): this outage was told
			return;
		}
		if (!lost) {
			lost = true;
			log.warn("worker: lost the connection to the broker at " + broker + " (" + reason(signal)
					+ "); reconnecting. The partitions running here go on; their requests come back from the queue"
					+ " and are dropped as duplicates");
		}
	}

	@Override
	public void onFailed(Exception ex) {
		// while the broker is away, every attempt fails: the loss was said once
		log.debug("worker: cannot connect to the broker at " + broker, ex);
	}

	@Override
	public void onCreate(Connection connection) {
		long number = sequence.incrementAndGet();
		if (connection != null && connection.getDelegate() != null) {
			made.put(connection.getDelegate(), number);
		}
		if (lost) {
			back = number;
			lost = false;
			log.warn("worker: connected to the broker at " + broker + " again; taking requests");
		}
	}

	static String reason(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		if (root instanceof ShutdownSignalException signal && signal.getReason() != null) {
			return signal.getReason().protocolMethodName() + ": " + signal.getMessage().lines().findFirst().orElse("");
		}
		return root.getMessage() == null ? root.getClass().getSimpleName()
				: root.getClass().getSimpleName() + ": " + root.getMessage();
	}
}
