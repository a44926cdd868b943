package io.keyshift.migration;

/** Parses the lower-case codes of the export into enums, exactly as spelled (no case folding). */
final class Codes {

	private Codes() {
	}

	static <E extends Enum<E>> E parse(Class<E> type, String code, String column) {
		if (code != null && !code.isEmpty() && code.equals(code.toLowerCase())) {
			try {
				return Enum.valueOf(type, code.toUpperCase());
			}
			catch (IllegalArgumentException ex) {
				// fall through to the message below
			}
		}
		throw new IllegalArgumentException("unknown " + column + " '" + code + "'");
	}
}
