package io.keyshift.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built application ({@code target/keyshift.jar}) run in a child JVM, as an operator runs it,
 * so that a test can kill it for real (SIGKILL, SIGTERM) and read what it printed.
 */
public final class ChildRun {

	private static final Pattern PROGRESS = Pattern.compile("migrate: users: ([0-9,]+) / ([0-9,]+)");

	private final Process process;

	private final List<String> lines = new CopyOnWriteArrayList<>();

	/** Reads the child's output into {@link #lines} until the child closes it (ends). */
	private final Thread pump;

	private ChildRun(Process process) {
		this.process = process;
		this.pump = new Thread(() -> {
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					lines.add(line);
				}
			}
			catch (IOException ex) {
				// the process ended
			}
		});
		pump.setDaemon(true);
		pump.start();
	}

	public static ChildRun start(Path workDir, List<String> args) throws IOException {
		return start(workDir, List.of(), args);
	}

	/** As above, the JVM started with {@code jvmOptions} (e.g. a -Xlog to see how far it has come). */
	public static ChildRun start(Path workDir, List<String> jvmOptions, List<String> args) throws IOException {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.add("-jar");
		command.add(Path.of("target", "keyshift.jar").toAbsolutePath().toString());
		command.addAll(args);
		ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
		builder.environment().remove("SPRING_DATASOURCE_URL");
		return new ChildRun(builder.start());
	}

	public long pid() {
		return process.pid();
	}

	/** Waits until the child has committed at least {@code fraction} of the users, by its progress lines. */
	public boolean awaitProgress(double fraction, Duration timeout) throws InterruptedException {
		return await(line -> {
			Matcher m = PROGRESS.matcher(line);
			if (!m.find()) {
				return false;
			}
			long done = Long.parseLong(m.group(1).replace(",", ""));
			long total = Long.parseLong(m.group(2).replace(",", ""));
			return total > 0 && done >= fraction * total;
		}, timeout);
	}

	public boolean await(Predicate<String> line, Duration timeout) throws InterruptedException {
		long until = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < until) {
			if (lines.stream().anyMatch(line)) {
				return true;
			}
			if (!process.isAlive()) {
				return lines.stream().anyMatch(line);
			}
			Thread.sleep(20);
		}
		return false;
	}

	public void kill() throws InterruptedException {
		process.destroyForcibly();
		process.waitFor();
		pump.join(10_000);
	}

	public void terminate() throws IOException, InterruptedException {
		new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).start().waitFor();
	}

	/** Freezes the child (SIGSTOP): it keeps its connections, locks and files, and does nothing. */
	public void pause() throws IOException, InterruptedException {
		new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).start().waitFor();
	}

	/** Lets a paused child go on (SIGCONT). */
	public void resume() throws IOException, InterruptedException {
		new ProcessBuilder("kill", "-CONT", Long.toString(process.pid())).start().waitFor();
	}

	public int exitCode(Duration timeout) throws InterruptedException {
		if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
			process.destroyForcibly();
			throw new IllegalStateException("child run did not end within " + timeout + ":\n" + output());
		}
		// the whole output, to its last line, before anyone reads it: a check that it holds no secret
		// must not pass on output cut short
		pump.join(timeout.toMillis());
		if (pump.isAlive()) {
			throw new IllegalStateException("child run ended, but its output did not within " + timeout + ":\n"
					+ output());
		}
		return process.exitValue();
	}

	public String output() {
		return String.join("\n", lines);
	}
}
