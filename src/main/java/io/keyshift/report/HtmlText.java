package io.keyshift.report;

/**
 * Text made safe for HTML: the report page and the notification e-mails use the same escaping.
 * Invisible characters are spelled out first ({@link VisibleText}), so a page cannot show other
 * text than it holds.
 */
public final class HtmlText {

	private HtmlText() {
	}

	/** Text made safe for an HTML text node or a quoted attribute value; "" for {@code null}. */
	public static String escape(String text) {
		if (text == null) {
			return "";
		}
		text = VisibleText.of(text);
		StringBuilder out = new StringBuilder(text.length() + 16);
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			switch (c) {
				case '&' -> out.append("&amp;");
				case '<' -> out.append("&lt;");
				case '>' -> out.append("&gt;");
				case '"' -> out.append("&quot;");
				case '\'' -> out.append("&#39;");
				default -> out.append(c);
			}
		}
		return out.toString();
	}
}
