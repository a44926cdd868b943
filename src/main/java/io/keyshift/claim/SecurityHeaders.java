package io.keyshift.claim;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The headers of every response of {@code keyshift serve}: nothing is cached (a page may show
 * tokens), no referrer leaves the page, the page runs only its own script and style and cannot be
 * framed, and forms post only to this server.
 */
final class SecurityHeaders extends OncePerRequestFilter {

	private static final Logger log = LoggerFactory.getLogger(SecurityHeaders.class);

	static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
			+ " img-src 'self'; connect-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		response.setHeader("Cache-Control", "no-store");
		response.setHeader("Pragma", "no-cache");
		response.setHeader("Referrer-Policy", "no-referrer");
		response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.setHeader("X-Frame-Options", "DENY");
		response.setHeader("Cross-Origin-Opener-Policy", "same-origin");
		if (!formReadable(request)) {
			// Tomcat's own report of a malformed form names the parameter and its value (a legacy key,
			// a claim code), so the form is read here first, and refused in one line without it
			log.warn("claim refused: the form could not be read (malformed percent-encoding) ({} {}, client {})",
					request.getMethod(), request.getRequestURI(), request.getRemoteAddr());
			response.setContentType("text/plain;charset=UTF-8");
			response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
			response.getWriter().println("The form could not be read. Open the link from the e-mail again.");
			return;
		}
		chain.doFilter(request, response);
	}

	private static boolean formReadable(HttpServletRequest request) {
		try {
			request.getParameterMap();
			return true;
		}
		catch (RuntimeException ex) { // Tomcat's InvalidParameterException: never logged, it holds the value
			return false;
		}
	}
}
