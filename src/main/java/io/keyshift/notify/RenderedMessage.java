package io.keyshift.notify;

/** A rendered notification: subject, plain text, HTML. {@code toString()} hides the bodies (they may hold tokens). */
public record RenderedMessage(String subject, String text, String html) {

	public OutgoingMessage addressed(String from, String to) {
		return new OutgoingMessage(from, to, subject, text, html);
	}

	@Override
	public String toString() {
		return "RenderedMessage[subject=" + subject + ", body=[redacted]]";
	}
}
