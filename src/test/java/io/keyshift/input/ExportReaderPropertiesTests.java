package io.keyshift.input;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reader over generated hostile exports (see {@link HostileExport}): it never throws, every
 * record of every file is either handed on as a valid row or rejected with a reason, what it hands
 * on obeys the README's limits and character rule, and no rejected row shows a key.
 */
class ExportReaderPropertiesTests {

	@Provide
	Arbitrary<HostileExport> exports() {
		return HostileExport.exports();
	}

	@Property(tries = 200)
	void everyRecordIsUsedOrRejectedWithAReasonAndNoKeyShows(@ForAll("exports") HostileExport export)
			throws IOException {
		Path dir = Files.createTempDirectory("keyshift-props");
		try {
			RecordingSink sink = new RecordingSink();
			new ExportReader(sink).read(Export.open(export.writeTo(dir)));

			assertThat(sink.files).containsExactly(
					count(InputFile.ACCOUNTS, export, sink.accounts.size(), sink),
					count(InputFile.LEGACY_KEYS, export, sink.keys.size(), sink),
					count(InputFile.MEMBERSHIPS, export, sink.memberships.size(), sink),
					count(InputFile.USAGE, export, sink.usage.size(), sink));
			for (Reject r : sink.rejects) {
				assertThat(r.line()).isGreaterThan(1);
				assertThat(r.category()).isNotBlank().hasSizeLessThanOrEqualTo(100);
				assertThat(r.reason()).isNotBlank().hasSizeLessThanOrEqualTo(1000);
				assertThat(r.record()).hasSizeLessThanOrEqualTo(100_000).doesNotContain("\u0000");
				assertThat(r.reason()).doesNotContain("\u0000");
				for (String secret : export.secrets()) {
					if (secret != null) {
						assertThat(r.record()).doesNotContain(secret.strip());
						assertThat(r.reason()).doesNotContain(secret.strip());
					}
				}
				assertThat(r.record()).doesNotContain(HostileExport.SECRET_MARK);
			}
			sink.accounts.forEach(a -> assertStorable(a.accountName(), 1000, true));
			sink.keys.forEach(k -> {
				assertStorable(k.email(), 320, false);
				assertStorable(k.email().toLowerCase(Locale.ROOT), 320, false); // stored lower-cased too
				assertThat(k.hint().codePointCount(0, k.hint().length())).isEqualTo(4);
				assertThat(Character.isLowSurrogate(k.hint().charAt(0))).as("half a character").isFalse();
				assertThat(k.createdAt().getYear()).isBetween(1, 9999);
				assertThat(k.createdAt().getOffset().getTotalSeconds()).isZero();
			});
			sink.usage.forEach(u -> {
				assertStorable(u.endpoint(), 2000, false);
				assertStorable(u.client(), 1000, false);
				assertThat(u.calls()).isNotNegative();
			});
		}
		finally {
			deleteRecursively(dir);
		}
	}

	@Provide
	Arbitrary<String> emails() {
		// "İ" (U+0130) lower-cases to two characters, "ẞ" and "Σ" change too; lengths up to the limit and past it
		return Arbitraries.strings().withChars("a\u0130\u00DF\u1E9E\u00E9\u03A3\u01C5".toCharArray())
			.ofMinLength(1).ofMaxLength(330).map(local -> local + "@example.com");
	}

	@Provide
	Arbitrary<String> keys() {
		return Combinators.combine(Arbitraries.strings().withCharRange('a', 'z').ofMinLength(16).ofMaxLength(24),
				Arbitraries.of("", "\u00E9", "\uD83D\uDD11", "\uD83D\uDD11abc", "\uD83D\uDD11".repeat(4), "x\uD83D\uDD11yz"))
			.as(String::concat);
	}

	@Property(tries = 300)
	void anAcceptedKeyRowIsStorableWithItsEmailLowerCasedAndAHintOfFourWholeCharacters(
			@ForAll("emails") String email, @ForAll("keys") String key) throws IOException {
		Path dir = Files.createTempDirectory("keyshift-props");
		try {
			Files.writeString(dir.resolve("accounts.csv"), "account_id,account_name,plan,state\n");
			Files.writeString(dir.resolve("account_memberships.csv"),
					"user_id,account_id,license_type,permission_set,project_id\n");
			Files.writeString(dir.resolve("legacy_api_keys.csv"), "key_id,user_id,email,api_key,created_at,last_used_at\n"
					+ "1,7," + email + "," + key + ",2026-11-09T12:00:00Z,\n");
			RecordingSink sink = new RecordingSink();
			new ExportReader(sink).read(Export.open(dir));

			assertThat(sink.keys.size() + sink.rejects.size()).isOne();
			sink.keys.forEach(k -> {
				assertThat(k.email().toLowerCase(Locale.ROOT)).hasSizeLessThanOrEqualTo(320);
				assertThat(k.hint().codePointCount(0, k.hint().length())).isEqualTo(4);
				assertThat(key).endsWith(k.hint());
				assertThat(Character.isLowSurrogate(k.hint().charAt(0))).as("half a character").isFalse();
			});
			sink.rejects.forEach(r -> assertThat(r.reason() + r.record()).doesNotContain(key));
		}
		finally {
			deleteRecursively(dir);
		}
	}

	/** "file:read:rejected" as the sink records it, with read = the rows generated = used + rejected. */
	private static String count(InputFile file, HostileExport export, int used, RecordingSink sink) {
		long rejected = sink.rejects.stream().filter(r -> r.file().equals(file.fileName())).count();
		assertThat(used + rejected).as("%s: used + rejected", file.fileName()).isEqualTo(export.rowCount(file));
		return file.fileName() + ":" + export.rowCount(file) + ":" + rejected;
	}

	/** The rule of the README's Input table, checked here on its own terms rather than with the reader's code. */
	private static void assertStorable(String value, int limit, boolean lineBreaksAllowed) {
		assertThat(value.length()).isLessThanOrEqualTo(limit);
		for (char c : value.toCharArray()) {
			boolean lineBreak = c == '\n' || c == '\r' || c == '\t';
			assertThat(c < 0x20 && !(lineBreaksAllowed && lineBreak)).as("control U+%04X", (int) c).isFalse();
			assertThat(c >= 0x7F && c <= 0x9F).as("control U+%04X", (int) c).isFalse();
			assertThat(c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069))
				.as("separator or bidi control U+%04X", (int) c)
				.isFalse();
		}
	}

	private static void deleteRecursively(Path dir) throws IOException {
		List<Path> paths = new ArrayList<>();
		try (var walk = Files.walk(dir)) {
			walk.forEach(paths::add);
		}
		for (int i = paths.size() - 1; i >= 0; i--) {
			Files.deleteIfExists(Objects.requireNonNull(paths.get(i)));
		}
	}
}
