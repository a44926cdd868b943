package io.keyshift.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvOutTests {

	@TempDir
	Path dir;

	@Test
	void quotesOnlyFieldsThatNeedItAndDoublesTheirQuotes() throws IOException {
		String written = write(out -> out.text("plain").text("a, b").text("say \"hi\"").text("two\nlines").empty()
			.number(42).endRow());

		assertThat(written).isEqualTo("plain,\"a, b\",\"say \"\"hi\"\"\",\"two\nlines\",,42\r\n");
	}

	@Test
	void encodesTextAsUtf8() throws IOException {
		String written = write(out -> out.text("Münchner Café Olé").text("𝄞").endRow());

		assertThat(written).isEqualTo("Münchner Café Olé,𝄞\r\n");
	}

	@Test
	void formatsTimestampsExactlyAsInstantDoes() throws IOException {
		SplittableRandom random = new SplittableRandom(1);
		long[] seconds = new long[2000];
		StringBuilder expected = new StringBuilder();
		for (int i = 0; i < seconds.length; i++) {
			// 1970 .. 2099, plus the leap days and year ends that calendar arithmetic gets wrong
			seconds[i] = i < 4 ? new long[] { 0, 1_709_164_800L, 1_735_689_599L, 4_107_542_399L }[i]
					: random.nextLong(4_102_444_800L);
			expected.append(Instant.ofEpochSecond(seconds[i])).append("\r\n");
		}

		String written = write(out -> {
			for (long s : seconds) {
				out.timestamp(s).endRow();
			}
		});

		assertThat(written).isEqualTo(expected.toString());
	}

	@Test
	void writesNumbersOfEveryLength() throws IOException {
		String written = write(out -> out.number(0).number(7).number(1234567890123L).number(Long.MAX_VALUE).endRow());

		assertThat(written).isEqualTo("0,7,1234567890123," + Long.MAX_VALUE + "\r\n");
	}

	@Test
	void keepsRowsIntactAcrossBufferFlushes() throws IOException {
		StringBuilder expected = new StringBuilder();
		for (int i = 0; i < 50_000; i++) {
			expected.append(i).append(",\"x, ").append(i).append("\"\r\n");
		}

		String written = write(out -> {
			for (int i = 0; i < 50_000; i++) {
				out.number(i).text("x, " + i).endRow();
			}
		});

		assertThat(written).isEqualTo(expected.toString());
	}

	private String write(Body body) throws IOException {
		Path file = this.dir.resolve("out.csv");
		try (CsvOut out = CsvOut.create(file)) {
			body.accept(out);
		}
		return Files.readString(file, StandardCharsets.UTF_8);
	}

	private interface Body {

		void accept(CsvOut out) throws IOException;

	}
}
