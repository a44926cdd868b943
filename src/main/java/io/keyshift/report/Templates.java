package io.keyshift.report;

import java.util.Map;
import java.util.Set;

import org.thymeleaf.TemplateEngine;
import org.thymeleaf.context.Context;
import org.thymeleaf.spring6.SpringTemplateEngine;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * The Thymeleaf engine behind the notification e-mails and {@code summary.html}: templates under
 * {@code templates/mail} and {@code templates/report} on the class path, {@code *.txt} in TEXT mode
 * (nothing escaped) and {@code *.html} in HTML mode (every {@code th:text} and attribute escaped by the
 * engine). One engine for the whole JVM, built on first use, with no Spring or web context: the
 * {@code deliver} command renders up to a million messages with it. The cache holds parsed templates
 * only; the values (tokens among them) pass through {@link #render} and are kept nowhere.
 */
public final class Templates {

	private static final TemplateEngine ENGINE = engine();

	private Templates() {
	}

	/**
	 * A template rendered with the given variables.
	 * @param template its path under {@code templates/}, such as {@code mail/message.txt}
	 * @param variables the values it shows
	 * @return the rendered text
	 */
	public static String render(String template, Map<String, Object> variables) {
		return ENGINE.process(template, new Context(null, variables));
	}

	private static TemplateEngine engine() {
		ClassLoaderTemplateResolver resolver = new ClassLoaderTemplateResolver(Templates.class.getClassLoader());
		resolver.setPrefix("templates/");
		resolver.setCharacterEncoding("UTF-8");
		resolver.setTextTemplateModePatterns(Set.of("*.txt"));
		resolver.setHtmlTemplateModePatterns(Set.of("*.html"));
		resolver.setCacheable(true);
		// SpEL, as the claim pages use: the plain engine's OGNL is not on the class path. Compiled:
		// rendering a message took three times longer interpreted (about 1.1 ms against 0.35 ms, one
		// thread), the largest cost of deliver. The models are maps and lists of strings whose types
		// never change between calls, which is what a compiled expression needs.
		SpringTemplateEngine engine = new SpringTemplateEngine();
		engine.setEnableSpringELCompiler(true);
		engine.setTemplateResolver(resolver);
		return engine;
	}
}
