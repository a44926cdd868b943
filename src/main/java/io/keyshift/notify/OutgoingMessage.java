package io.keyshift.notify;

/**
 * One e-mail: sender, recipient, subject, plain text and its HTML alternative. The bodies may hold
 * token values, so {@code toString()} shows neither.
 */
public record OutgoingMessage(String from, String to, String subject, String text, String html) {

	@Override
	public String toString() {
		return "OutgoingMessage[to=" + to + ", subject=" + subject + ", body=[redacted]]";
	}
}
