package io.keyshift.notify;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import io.keyshift.report.CsvCells;

/**
 * {@code delivery-report.csv}: one row per notification a delivery tried, written as each attempt
 * ends (a report of a million rows is streamed, not held): notification id, user id, e-mail, kind,
 * the status it was left in, its attempts and its last error. Never a token: the payload is not
 * among the columns, and the error texts were scrubbed before they got here. Each delivery writes
 * to a directory of its own, {@code reports/deliver-<time>} (as migrate's {@code run-<N>-<time>}),
 * never over another's. Safe for several senders at once.
 */
public final class DeliveryReport implements AutoCloseable {

	public static final String FILE = "delivery-report.csv";

	static final String HEADER = "notification_id,user_id,email,kind,status,attempts,last_error";

	private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

	private final Path file;

	private final BufferedWriter writer;

	private long rows;

	private DeliveryReport(Path file, BufferedWriter writer) {
		this.file = file;
		this.writer = writer;
	}

	/** A new report in a new directory {@code deliver-<time>} under {@code parent}. */
	public static DeliveryReport create(Path parent, LocalDateTime now) {
		try {
			Files.createDirectories(parent);
			String name = "deliver-" + TIME.format(now);
			for (int n = 1;; n++) {
				Path dir = parent.resolve(n == 1 ? name : name + "-" + n);
				try {
					Files.createDirectory(dir);
				}
				catch (FileAlreadyExistsException ex) {
					continue;
				}
				Path file = dir.resolve(FILE);
				BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
						StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
				writer.write(HEADER);
				writer.write("\n");
				return new DeliveryReport(file, writer);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("the delivery report cannot be written under " + parent + ": "
					+ ex.getMessage(), ex);
		}
	}

	public Path file() {
		return file;
	}

	public synchronized long rows() {
		return rows;
	}

	/** One attempted notification, as it was left. {@code lastError} holds no secret. */
	public synchronized void row(UUID id, long userId, String email, String kind, String status, int attempts,
			String lastError) {
		try {
			writer.write(String.join(",", id.toString(), Long.toString(userId), cell(email), cell(kind), status,
					Integer.toString(attempts), cell(lastError)));
			writer.write("\n");
			rows++;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("the delivery report " + file + " cannot be written: " + ex.getMessage(), ex);
		}
	}

	private static String cell(String value) {
		String safe = CsvCells.neutralise(value);
		if (safe.indexOf(',') < 0 && safe.indexOf('"') < 0 && safe.indexOf('\n') < 0 && safe.indexOf('\r') < 0) {
			return safe;
		}
		return '"' + safe.replace("\"", "\"\"") + '"';
	}

	@Override
	public synchronized void close() {
		try {
			writer.close();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("the delivery report " + file + " cannot be written: " + ex.getMessage(), ex);
		}
	}
}
