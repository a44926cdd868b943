package io.keyshift.remote;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.amqp.ImmediateRequeueAmqpException;
import org.springframework.amqp.rabbit.listener.ConditionalRejectingErrorHandler;

/**
 * A partition request the worker could not handle, told in one keyshift line instead of Spring
 * AMQP's warning with its stack trace (the whole exception at debug level). The request's fate is
 * Spring AMQP's as before: one refused for another delivery key goes back to the queue (the worker
 * says why, and stops); any other goes to the dead-letter queue.
 */
public class RequestFailureLog extends ConditionalRejectingErrorHandler {

	private static final Log log = LogFactory.getLog("keyshift");

	private final String deadLetterQueue;

	public RequestFailureLog(String deadLetterQueue) {
		this.deadLetterQueue = deadLetterQueue;
	}

	@Override
	protected void log(Throwable failure) {
		log.debug("worker: a partition request failed", failure);
		for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
			if (cause instanceof ImmediateRequeueAmqpException) {
				// another delivery key: the worker says so itself, once, as it stops
				return;
			}
		}
		log.warn("worker: a partition request could not be handled (" + BrokerConnectionWatch.reason(failure)
				+ "); it goes to the dead-letter queue " + deadLetterQueue);
	}
}
