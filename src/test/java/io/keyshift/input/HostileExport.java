package io.keyshift.input;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * Generated exports for property tests: every file with a valid header and rows mixing plausible
 * values with hostile ones (arbitrary Unicode, NUL, control characters, bidi overrides, lone CR,
 * values just over each limit and very long ones, extreme numbers, odd timestamps) and rows of the
 * wrong width. Every row is written as one well-formed CSV record, so the number of records each
 * file holds is known: the reader must account for every one of them. Each api_key is a distinct
 * marked secret, so a test can search every output for it.
 */
public record HostileExport(Map<InputFile, List<List<String>>> rows) {

	/** What every generated legacy key starts with, followed by a row number: never in any output. */
	public static final String SECRET_MARK = "SeCrEt";

	public static Arbitrary<HostileExport> exports() {
		return Combinators
			.combine(rowsOf(InputFile.ACCOUNTS), rowsOf(InputFile.LEGACY_KEYS), rowsOf(InputFile.MEMBERSHIPS),
					rowsOf(InputFile.USAGE))
			.as((a, k, m, u) -> {
				Map<InputFile, List<List<String>>> rows = new EnumMap<>(InputFile.class);
				rows.put(InputFile.ACCOUNTS, a);
				rows.put(InputFile.LEGACY_KEYS, numberSecrets(k));
				rows.put(InputFile.MEMBERSHIPS, m);
				rows.put(InputFile.USAGE, u);
				return new HostileExport(rows);
			});
	}

	/** The secrets of the key file, in row order (null where a row has no api_key column). */
	public List<String> secrets() {
		List<String> secrets = new ArrayList<>();
		int column = InputFile.LEGACY_KEYS.columns().indexOf("api_key");
		for (List<String> row : rows.get(InputFile.LEGACY_KEYS)) {
			String cell = column < row.size() ? row.get(column) : null;
			secrets.add(cell != null && cell.contains(SECRET_MARK) ? cell : null);
		}
		return secrets;
	}

	public int rowCount(InputFile file) {
		return rows.get(file).size();
	}

	/** Writes the four files into {@code dir} (UTF-8; a lone surrogate becomes '?'). */
	public Path writeTo(Path dir) {
		try {
			Files.createDirectories(dir);
			for (InputFile file : InputFile.values()) {
				StringBuilder csv = new StringBuilder(String.join(",", file.columns())).append('\n');
				for (List<String> row : rows.get(file)) {
					csv.append(MaskedRecord.line(quotedWhereNeeded(row))).append('\n');
				}
				Files.write(dir.resolve(file.fileName()), csv.toString().getBytes(StandardCharsets.UTF_8));
			}
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * MaskedRecord.line quotes fields with a comma, quote or line break; a record of one empty field
	 * would be a blank line (passed over, not a record), so such a row holds a blank instead.
	 */
	private static String[] quotedWhereNeeded(List<String> row) {
		String[] cells = row.toArray(String[]::new);
		if (cells.length == 0) {
			return new String[] { "-" };
		}
		if (cells.length == 1 && cells[0].isBlank()) {
			cells[0] = "-";
		}
		return cells;
	}

	/** Every api_key cell holding a secret gets a distinct marked value, so none is a piece of another. */
	private static List<List<String>> numberSecrets(List<List<String>> rows) {
		List<List<String>> numbered = new ArrayList<>();
		int n = 0;
		for (List<String> row : rows) {
			List<String> copy = new ArrayList<>(row);
			for (int i = 0; i < copy.size(); i++) {
				if (copy.get(i).contains(SECRET_MARK)) {
					copy.set(i, copy.get(i).replace(SECRET_MARK, SECRET_MARK + (n++) + "x"));
				}
			}
			numbered.add(copy);
		}
		return numbered;
	}

	private static Arbitrary<List<List<String>>> rowsOf(InputFile file) {
		return row(file).list().ofMaxSize(12);
	}

	private static Arbitrary<List<String>> row(InputFile file) {
		List<String> columns = file.columns();
		Arbitrary<List<String>> right = Combinators.combine(columns.stream().map(c -> cell(file, c)).toList())
			.as(List::copyOf);
		Arbitrary<List<String>> wrongWidth = right.flatMap(cells -> Arbitraries.integers()
			.between(0, cells.size() + 2)
			.filter(width -> width != cells.size())
			.flatMap(width -> hostile().list().ofSize(Math.max(0, width - cells.size())).map(extra -> {
				List<String> out = new ArrayList<>(cells.subList(0, Math.min(width, cells.size())));
				out.addAll(extra);
				return out;
			})));
		return Arbitraries.frequencyOf(Tuple.of(8, right), Tuple.of(1, wrongWidth));
	}

	/** A cell of {@code column}: mostly plausible, often hostile. */
	private static Arbitrary<String> cell(InputFile file, String column) {
		return Arbitraries.frequencyOf(Tuple.of(3, plausible(file, column)),
				Tuple.of(1, hostile()));
	}

	private static Arbitrary<String> plausible(InputFile file, String column) {
		return switch (column) {
			case "account_id", "user_id", "key_id" -> Arbitraries.longs().between(1, 6).map(String::valueOf);
			case "project_id" -> Arbitraries.of("", "12", "0", "-3");
			case "account_name" -> Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(30), Arbitraries.of("Acme",
					"Acme \u202Egnp.exe", "Two\nlines", "x".repeat(1000), "x".repeat(1001), "Zero\u200Bwidth"));
			case "plan" -> Arbitraries.of("developer", "team", "enterprise", "enterprise_plus", "Team", "gold");
			case "state" -> Arbitraries.of("active", "locked", "deleted", "paused");
			case "email" -> Arbitraries.of("paul@example.com", "Paul@Example.com", "x@y.org", "nope", "a\u0000@b.com",
					"a@b.c\u202Eom", "p".repeat(310) + "@example.com", "p".repeat(320) + "@example.com",
					// not ASCII: "İ" (U+0130) lower-cases to two characters, so 200 of them grow past 320
					"jos\u00E9@ex\u00E4mple.com", "\u0130\u0130@example.com", "\u0130".repeat(200) + "@example.com",
					"\u0130".repeat(150) + "@example.com", "\uD83D\uDCE7@example.com", "\u00DF".repeat(300) + "@e.de");
			case "api_key" -> Arbitraries.of(SECRET_MARK + "-0123456789", SECRET_MARK, SECRET_MARK + "\u0000abcdefghij",
					SECRET_MARK + ",split,0123456789", SECRET_MARK + "-" + "k".repeat(1000),
					SECRET_MARK + "-0123456789\uD83D\uDD11", SECRET_MARK + "-0123456789\uD83D\uDD11abc", SECRET_MARK + "-0123456789" + "\uD83D\uDD11".repeat(4));
			case "created_at", "last_used_at", "last_called_at" -> Arbitraries.of("2026-11-09T12:00:00Z", "",
					"2026-11-09T12:00:00+18:00", "+999999999-12-31T23:59:59Z", "-999999999-01-01T00:00:00Z",
					"2026-02-30T00:00:00Z", "2026-11-09T12:00:00", "0001-01-01T00:00:00+01:00",
					"9999-12-31T23:59:59.999999999-18:00", "2026-11-09T12:00:00.123456789+05:45");
			case "license_type" -> Arbitraries.of("developer", "read_only", "it", "analyst", "viewer");
			case "permission_set" -> Arbitraries.of("admin", "developer", "git_admin", "superuser", "");
			case "endpoint" -> Arbitraries.of("/api/v2/accounts/1", "/api/v3/x", "/" + "e".repeat(1999),
					"/" + "e".repeat(2000), "/api/\u202Ev2", "");
			case "client" -> Arbitraries.of("terraform/1.7", "", "curl\u0007", "c".repeat(1000), "c".repeat(1001));
			case "calls" -> Arbitraries.of("0", "1", "9223372036854775807", "9223372036854775808", "-1", "1e3");
			default -> throw new IllegalArgumentException(file + " " + column);
		};
	}

	/** Anything at all. */
	private static Arbitrary<String> hostile() {
		return Arbitraries.frequencyOf(Tuple.of(10, Arbitraries.strings().all().ofMaxLength(20)),
				Tuple.of(10, Arbitraries.strings().withChars('\u0000', '\r', '\n', '\t', '\u202E', '\u2066', '\u200B',
						'\u2028', '\u0085', '\u001B', '"', ',', 'a', '1', '\uFEFF').ofMaxLength(12)),
				Tuple.of(10, Arbitraries.of("0", "-1", "9223372036854775807", "9223372036854775808",
						"99999999999999999999999", "1.0", "NaN", "\u0661\u0662", "\r", "lone\rcr", "")),
				Tuple.of(4, Arbitraries.integers().between(990, 2010).map("L"::repeat)),
				Tuple.of(1, Arbitraries.just("H".repeat(150_000))));
	}
}
