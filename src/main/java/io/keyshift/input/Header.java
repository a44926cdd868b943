package io.keyshift.input;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A file's header row, checked against the file's columns: every column present once, no other. */
public final class Header {

	private final InputFile file;

	private final Map<String, Integer> index;

	private final int width;

	private Header(InputFile file, Map<String, Integer> index, int width) {
		this.file = file;
		this.index = index;
		this.width = width;
	}

	/** Checks a header row; a leading BOM and surrounding blanks are ignored, names are case-sensitive. */
	public static Header check(InputFile file, String[] names) {
		Map<String, Integer> index = new HashMap<>();
		List<String> unknown = new ArrayList<>();
		Set<String> repeated = new LinkedHashSet<>();
		for (int i = 0; i < names.length; i++) {
			String name = clean(names[i]);
			if (!file.columns().contains(name)) {
				unknown.add(file.secretColumn() != null ? "#" + (i + 1) : name.isEmpty() ? "(empty)" : shown(name));
			}
			else if (index.putIfAbsent(name, i) != null) {
				repeated.add(name);
			}
		}
		List<String> missing = file.columns().stream().filter(c -> !index.containsKey(c)).toList();
		List<String> problems = new ArrayList<>();
		if (!missing.isEmpty()) {
			problems.add("missing column" + plural(missing) + " " + String.join(", ", missing));
		}
		if (!unknown.isEmpty()) {
			// a key file without its header row would print a key here: its cells are never quoted
			problems.add("unknown column" + plural(unknown) + " " + String.join(", ", unknown)
					+ (file.secretColumn() != null ? " (by position; names not shown, as this file holds keys)" : ""));
		}
		if (!repeated.isEmpty()) {
			problems.add("repeated column" + plural(repeated) + " " + String.join(", ", repeated));
		}
		if (!problems.isEmpty()) {
			throw new InputProblem(file.fileName() + " line 1: " + String.join("; ", problems) + " (expected: "
					+ String.join(",", file.columns()) + ")");
		}
		return new Header(file, index, names.length);
	}

	private static String clean(String name) {
		String n = name.startsWith("\uFEFF") ? name.substring(1) : name;
		return n.strip();
	}

	/** A header cell as quoted in a message: one line, bounded, control characters spelled out. */
	private static String shown(String name) {
		StringBuilder out = new StringBuilder();
		name.codePoints().limit(40).forEach(c -> {
			if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || c == 0x2028 || c == 0x2029) {
				out.append(Characters.codePoint(c));
			}
			else {
				out.appendCodePoint(c);
			}
		});
		return name.codePointCount(0, name.length()) > 40 ? out + "..." : out.toString();
	}

	private static String plural(java.util.Collection<?> items) {
		return items.size() > 1 ? "s" : "";
	}

	public InputFile file() {
		return file;
	}

	public int width() {
		return width;
	}

	public int indexOf(String column) {
		return index.get(column);
	}

	/**
	 * The id in a row's {@code column}, when that field reads as one; null when it does not. In a row
	 * of the wrong width nobody knows where the extra or missing commas are, so the column is read at
	 * every position it may have moved to, from its position counted from the start to its position
	 * counted from the end of the row: it counts only when all of them read the same id (the column
	 * is before the break or after it, and either way holds that id). The first and the last column
	 * cannot move from their end of the row: they are read there.
	 */
	static Long idAt(Header header, CsvRow row, String column) {
		String[] fields = row.fields();
		int fromStart = header.indexOf(column);
		int fromEnd = fields.length - (header.width() - fromStart);
		// The first column stays first and the last stays last whatever commas the row gained or lost
		// inside it (SPEC §2: "the row has the wrong number of fields but its user_id column reads as
		// an id"): read those at their own end of the row.
		if (fromStart == 0) {
			return Fields.parseId(fields[0].strip());
		}
		if (fromStart == header.width() - 1) {
			return Fields.parseId(fields[fields.length - 1].strip());
		}
		if (fromStart >= fields.length || fromEnd < 0) {
			return null;
		}
		String value = fields[fromStart].strip();
		for (int i = Math.min(fromStart, fromEnd); i <= Math.max(fromStart, fromEnd); i++) {
			if (!fields[i].strip().equals(value)) {
				return null;
			}
		}
		return Fields.parseId(value);
	}
}
