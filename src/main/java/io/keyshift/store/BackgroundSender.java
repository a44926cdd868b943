package io.keyshift.store;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.function.UnaryOperator;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends batches of rows on one background thread, each in its own transaction, while the calling
 * thread goes on reading the next rows: parsing and the database's work overlap instead of taking
 * turns. At most {@value #IN_FLIGHT} batches wait, so memory stays flat however large the input.
 * Batches are sent in the order given; the first failure is thrown to the caller.
 */
final class BackgroundSender implements AutoCloseable {

	private static final int IN_FLIGHT = 3;

	private final TransactionTemplate tx;

	private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
		Thread t = new Thread(r, "staging-writer");
		t.setDaemon(true);
		return t;
	});

	private final Semaphore slots = new Semaphore(IN_FLIGHT);

	/** The first batch failure; later batches are then dropped, not sent. */
	private volatile RuntimeException failure;

	BackgroundSender(TransactionTemplate tx) {
		this.tx = tx;
	}

	void send(Runnable batch) {
		send(batch, ex -> ex);
	}

	/**
	 * Sends a batch; if it fails, {@code explain} turns the failure into the one to throw (it runs on
	 * the sending thread, after the batch's transaction was rolled back).
	 */
	void send(Runnable batch, UnaryOperator<RuntimeException> explain) {
		throwIfFailed();
		try {
			slots.acquire();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while loading", ex);
		}
		thread.execute(() -> {
			try {
				if (failure == null) {
					tx.executeWithoutResult(status -> batch.run());
				}
			}
			catch (RuntimeException ex) {
				failure = explained(ex, explain);
			}
			finally {
				slots.release();
			}
		});
	}

	/** The failure to throw: the explanation, or the failure itself when explaining fails too. */
	private static RuntimeException explained(RuntimeException failure, UnaryOperator<RuntimeException> explain) {
		try {
			return explain.apply(failure);
		}
		catch (RuntimeException ex) {
			failure.addSuppressed(ex);
			return failure;
		}
	}

	/** Waits until every batch given so far is committed; throws the first failure. */
	void drain() {
		// one thread runs batches in order: when a no-op queued now has run, all before it have
		Future<?> marker = thread.submit(() -> {
		});
		try {
			marker.get();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("interrupted while loading", ex);
		}
		catch (ExecutionException ex) {
			throw new IllegalStateException(ex.getCause());
		}
		throwIfFailed();
	}

	private void throwIfFailed() {
		RuntimeException ex = failure;
		if (ex != null) {
			throw ex;
		}
	}

	@Override
	public void close() {
		thread.shutdownNow();
	}
}
