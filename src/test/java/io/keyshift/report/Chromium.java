package io.keyshift.report;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * A headless Chromium for tests: it loads a local page and hands back the DOM it built, or a
 * screenshot. {@code ./test} installs Debian's {@code chromium} when none is there; {@code KEYSHIFT_CHROMIUM}
 * names another binary. Without one the test fails, it does not skip: a report nobody rendered is
 * not a tested report.
 */
final class Chromium {

	private static final List<String> NAMES = List.of("chromium", "chromium-browser", "google-chrome-stable",
			"google-chrome");

	private static final long TIMEOUT_SECONDS = 120;

	private final Path binary;

	private final Path workDir;

	private Chromium(Path binary, Path workDir) {
		this.binary = binary;
		this.workDir = workDir;
	}

	/** The installed browser, with its profile and logs under {@code workDir}; fails the test if there is none. */
	static Chromium find(Path workDir) {
		return find(workDir, System.getenv());
	}

	static Chromium find(Path workDir, Map<String, String> environment) {
		String configured = environment.get("KEYSHIFT_CHROMIUM");
		if (configured != null && !configured.isBlank()) {
			Path path = Path.of(configured);
			if (!Files.isExecutable(path)) {
				fail("KEYSHIFT_CHROMIUM=" + configured + " is not an executable file");
			}
			return new Chromium(path, workDir);
		}
		String pathVariable = environment.getOrDefault("PATH", "");
		for (String name : NAMES) {
			for (String dir : pathVariable.split(File.pathSeparator)) {
				Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
				if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
					return new Chromium(candidate, workDir);
				}
			}
		}
		return fail("no Chromium found on PATH (looked for " + String.join(", ", NAMES) + "). This test renders "
				+ "summary.html in a real browser and must not be skipped: install it (Debian/Ubuntu: "
				+ "apt-get install -y --no-install-recommends chromium; ./test does) or set KEYSHIFT_CHROMIUM.");
	}

	/** The browser binary this runs. */
	Path binary() {
		return binary;
	}

	/** The DOM the browser built from the page, serialised ({@code --dump-dom}). */
	String dumpDom(Path page) {
		byte[] dom = run("dump-dom", "--dump-dom", page.toUri().toString());
		String text = new String(dom, StandardCharsets.UTF_8);
		if (!text.contains("</html>")) {
			fail(binary + " dumped no document for " + page + ":\n" + text + "\n" + log("dump-dom"));
		}
		return text;
	}

	/** A PNG of the page as a 1280-pixel-wide window shows it. */
	void screenshot(Path page, Path png) {
		run("screenshot", "--hide-scrollbars", "--window-size=1280,3000", "--screenshot=" + png.toAbsolutePath(),
				page.toUri().toString());
		if (!Files.isRegularFile(png)) {
			fail(binary + " wrote no screenshot of " + page + "\n" + log("screenshot"));
		}
	}

	private byte[] run(String what, String... arguments) {
		List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
				"--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
				"--user-data-dir=" + workDir.resolve("profile-" + what).toAbsolutePath()));
		command.addAll(List.of(arguments));
		try {
			Files.createDirectories(workDir);
			// to a file, not a pipe: a browser that hangs cannot block the read, the timeout stays in charge
			Path stdout = workDir.resolve(what + ".out");
			Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile())
				.redirectError(workDir.resolve(what + ".log").toFile())
				.start();
			process.getOutputStream().close();
			if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				fail(binary + " did not finish within " + TIMEOUT_SECONDS + " s\n" + log(what));
			}
			if (process.exitValue() != 0) {
				fail(binary + " exited with " + process.exitValue() + "\n" + log(what));
			}
			return Files.readAllBytes(stdout);
		}
		catch (IOException ex) {
			return fail("cannot run " + String.join(" ", command) + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return fail("interrupted while running " + binary, ex);
		}
	}

	private String log(String what) {
		try {
			return "browser log:\n" + Files.readString(workDir.resolve(what + ".log"));
		}
		catch (IOException ex) {
			return "(no browser log)";
		}
	}
}
