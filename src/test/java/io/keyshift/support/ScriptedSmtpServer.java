package io.keyshift.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small SMTP server for tests, in this JVM, that counts what a real one cannot tell a test: how
 * many connections were opened, how many at once, and every message accepted, per recipient. Its
 * replies to RCPT TO can be scripted (a 451 for the first tries of some recipients, a 550 for
 * others); it can close a connection after some messages (as a server closing idle connections
 * does), wait before accepting a message, or accept connections and never answer at all.
 */
public final class ScriptedSmtpServer implements AutoCloseable {

	/** One accepted message: its recipient and its data, as the client sent it (dot-unstuffed). */
	public record Received(String recipient, String data) {
	}

	private static final Pattern ADDRESS = Pattern.compile("<([^>]*)>");

	private final ServerSocket server;

	private final boolean silent;

	private final AtomicInteger connections = new AtomicInteger();

	private final AtomicInteger open = new AtomicInteger();

	private final AtomicInteger mostAtOnce = new AtomicInteger();

	private final List<Received> received = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicInteger> rcptTries = new ConcurrentHashMap<>();

	private final List<Socket> sockets = new CopyOnWriteArrayList<>();

	private volatile BiFunction<String, Integer, String> rcptReply = (recipient, tries) -> "250 2.1.5 OK";

	private volatile int messagesPerConnection = Integer.MAX_VALUE;

	private volatile long acceptDelayMillis;

	private ScriptedSmtpServer(boolean silent) throws IOException {
		this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
		this.silent = silent;
		Thread acceptor = new Thread(this::acceptAll, "smtp-test-accept");
		acceptor.setDaemon(true);
		acceptor.start();
	}

	/** A server that speaks SMTP and accepts everything unless scripted otherwise. */
	public static ScriptedSmtpServer start() throws IOException {
		return new ScriptedSmtpServer(false);
	}

	/** A server that accepts connections and never says a word (not even its greeting). */
	public static ScriptedSmtpServer silent() throws IOException {
		return new ScriptedSmtpServer(true);
	}

	public int port() {
		return server.getLocalPort();
	}

	/** The reply to RCPT TO for a recipient and how many times it was asked for before (0 the first time). */
	public ScriptedSmtpServer rcptReply(BiFunction<String, Integer, String> reply) {
		this.rcptReply = reply;
		return this;
	}

	/** Closes each connection, without a word, after it carried {@code n} messages. */
	public ScriptedSmtpServer closeAfter(int n) {
		this.messagesPerConnection = n;
		return this;
	}

	/** Waits this long before accepting each message (after its data arrived). */
	public ScriptedSmtpServer acceptDelay(long millis) {
		this.acceptDelayMillis = millis;
		return this;
	}

	public int connections() {
		return connections.get();
	}

	public int mostConnectionsAtOnce() {
		return mostAtOnce.get();
	}

	public List<Received> received() {
		return new ArrayList<>(received);
	}

	/** How many messages were accepted for each recipient. */
	public Map<String, Integer> perRecipient() {
		Map<String, Integer> out = new java.util.TreeMap<>();
		for (Received r : received) {
			out.merge(r.recipient(), 1, Integer::sum);
		}
		return out;
	}

	private void acceptAll() {
		while (!server.isClosed()) {
			try {
				Socket socket = server.accept();
				sockets.add(socket);
				connections.incrementAndGet();
				mostAtOnce.accumulateAndGet(open.incrementAndGet(), Math::max);
				Thread t = new Thread(() -> serve(socket), "smtp-test-conn");
				t.setDaemon(true);
				t.start();
			}
			catch (IOException ex) {
				return;
			}
		}
	}

	private void serve(Socket socket) {
		try (socket) {
			if (silent) {
				// hold the connection, say nothing, until the client gives up or the server closes
				while (socket.getInputStream().read() >= 0) {
					// swallow
				}
				return;
			}
			BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			OutputStream out = socket.getOutputStream();
			reply(out, "220 scripted-smtp ESMTP");
			String recipient = null;
			int messages = 0;
			String line;
			while ((line = in.readLine()) != null) {
				String command = line.length() < 4 ? line.toUpperCase(Locale.ROOT) : line.substring(0, 4).toUpperCase(Locale.ROOT);
				switch (command) {
					case "EHLO", "HELO" -> reply(out, "250 scripted-smtp");
					case "MAIL" -> {
						recipient = null;
						reply(out, "250 2.1.0 OK");
					}
					case "RCPT" -> {
						Matcher m = ADDRESS.matcher(line);
						String to = m.find() ? m.group(1) : line.substring(8).trim();
						int tries = rcptTries.computeIfAbsent(to, k -> new AtomicInteger()).getAndIncrement();
						String answer = rcptReply.apply(to, tries);
						if (answer.startsWith("2")) {
							recipient = to;
						}
						reply(out, answer);
					}
					case "DATA" -> {
						if (recipient == null) {
							reply(out, "503 5.5.1 no valid recipients");
							continue;
						}
						reply(out, "354 go ahead");
						StringBuilder data = new StringBuilder();
						String d;
						while ((d = in.readLine()) != null && !d.equals(".")) {
							data.append(d.startsWith("..") ? d.substring(1) : d).append('\n');
						}
						if (d == null) {
							return;
						}
						if (acceptDelayMillis > 0) {
							Thread.sleep(acceptDelayMillis);
						}
						received.add(new Received(recipient, data.toString()));
						reply(out, "250 2.0.0 queued");
						recipient = null;
						if (++messages >= messagesPerConnection) {
							return;
						}
					}
					case "RSET" -> {
						recipient = null;
						reply(out, "250 2.0.0 OK");
					}
					case "NOOP" -> reply(out, "250 2.0.0 OK");
					case "QUIT" -> {
						reply(out, "221 2.0.0 bye");
						return;
					}
					default -> reply(out, "502 5.5.2 not implemented");
				}
			}
		}
		catch (IOException ex) {
			// the client went away
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		finally {
			open.decrementAndGet();
		}
	}

	private static void reply(OutputStream out, String line) throws IOException {
		out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
		out.flush();
	}

	@Override
	public void close() throws IOException {
		server.close();
		for (Socket s : sockets) {
			s.close();
		}
	}
}
