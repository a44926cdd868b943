package io.keyshift.store;

/**
 * Appends rows to one table in bulk: PostgreSQL's COPY where available, JDBC batches elsewhere. A
 * writer joins the transaction of the calling thread, so a chunk's rows commit with the chunk.
 */
interface TableWriter {

	/** Buffers a row (values in column order); returns true when the buffer is full and should be flushed. */
	boolean add(Object... values);

	/** Sends the buffered rows. */
	void flush();

	/**
	 * Takes the buffered rows out of this writer: the returned action sends them (in the transaction
	 * of whichever thread runs it), and this writer starts a new buffer. Lets rows be sent on another
	 * thread while the next ones are made.
	 */
	Runnable detach();
}
