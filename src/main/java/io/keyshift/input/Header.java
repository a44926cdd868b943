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
				unknown.add(name.isEmpty() ? "(empty)" : name);
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
			problems.add("unknown column" + plural(unknown) + " " + String.join(", ", unknown));
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
}
