package io.keyshift.migration;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Parses the lower-case codes of the export into enums, exactly as spelled (no case folding). */
final class Codes {

	/** Each enum's constants by their code, built once per enum type. */
	private static final ClassValue<Map<String, Object>> BY_CODE = new ClassValue<>() {
		@Override
		protected Map<String, Object> computeValue(Class<?> type) {
			Map<String, Object> byCode = new HashMap<>();
			for (Object constant : type.getEnumConstants()) {
				byCode.put(((Enum<?>) constant).name().toLowerCase(Locale.ROOT), constant);
			}
			return Map.copyOf(byCode);
		}
	};

	private Codes() {
	}

	static <E extends Enum<E>> E parse(Class<E> type, String code, String column) {
		Object constant = code == null ? null : BY_CODE.get(type).get(code);
		if (constant == null) {
			throw new IllegalArgumentException("unknown " + column + " '" + code + "'");
		}
		return type.cast(constant);
	}
}
