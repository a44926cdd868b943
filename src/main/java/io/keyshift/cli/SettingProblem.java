package io.keyshift.cli;

import java.util.Locale;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;

/**
 * A setting that cannot be read ({@code KEYSHIFT_MAIL_MAX_RATE=fast}, {@code KEYSHIFT_CHUNK_SIZE=0}):
 * Spring stops the start with a binding failure; the operator reads one line naming the setting,
 * where it came from and what is wrong, instead of a database to check. A value is shown only when
 * its name does not suggest a secret.
 */
final class SettingProblem {

	private SettingProblem() {
	}

	/** The line to print when {@code failure} is a setting that cannot be read; null otherwise. */
	static String explain(Throwable failure) {
		BindException bind = null;
		for (Throwable t = failure; t != null && bind == null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof BindException found) {
				bind = found;
			}
		}
		if (bind == null) {
			return null;
		}
		String reason = Cli.rootMessage(bind);
		ConfigurationProperty property = bind.getProperty();
		if (property == null) {
			// a whole group failed its own check (a record's constructor): its message names the setting
			return reason.startsWith(bind.getName() + ".") ? reason
					: "the settings " + bind.getName() + ".* cannot be used: " + reason;
		}
		String name = property.getName().toString();
		boolean secret = name.replaceFirst("^keyshift\\.", "")
			.toLowerCase(Locale.ROOT)
			.matches(".*(password|secret|key|token|credential).*");
		String value = String.valueOf(property.getValue());
		if (secret && !value.isEmpty()) {
			// conversion messages quote the value ("'x' is not a valid duration")
			reason = reason.replace(value, "[redacted]");
		}
		if (reason.startsWith("For input string")) {
			reason = "not a number";
		}
		return "the setting " + name + (secret ? "" : " cannot take '" + value + "'")
				+ (property.getOrigin() == null ? "" : " (from " + property.getOrigin() + ")") + ": " + reason;
	}
}
