package io.keyshift.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The browser test fails, never skips, on a machine without a browser. */
class ChromiumTests {

	@TempDir
	Path tmp;

	@Test
	void failsWithAnInstallHintWhenNoBrowserIsOnThePath() throws Exception {
		Path emptyBin = Files.createDirectories(tmp.resolve("bin"));

		assertThatThrownBy(() -> Chromium.find(tmp, Map.of("PATH", emptyBin.toString())))
			.isExactlyInstanceOf(AssertionError.class)
			.hasMessageContaining("no Chromium found on PATH")
			.hasMessageContaining("apt-get install -y --no-install-recommends chromium");
	}

	@Test
	void failsWhenTheConfiguredBrowserIsNotThere() {
		assertThatThrownBy(() -> Chromium.find(tmp, Map.of("KEYSHIFT_CHROMIUM", tmp.resolve("nope").toString())))
			.isExactlyInstanceOf(AssertionError.class)
			.hasMessageContaining("is not an executable file");
	}

	@Test
	void findsAnExecutableNamedChromiumOnThePath() throws Exception {
		Path bin = Files.createDirectories(tmp.resolve("bin"));
		Path browser = Files.writeString(bin.resolve("chromium-browser"), "#!/bin/sh\n");
		assertThat(browser.toFile().setExecutable(true)).isTrue();

		assertThat(Chromium.find(tmp, Map.of("PATH", "/nonexistent:" + bin)).binary()).isEqualTo(browser);
	}
}
