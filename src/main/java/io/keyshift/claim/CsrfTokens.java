package io.keyshift.claim;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;

/**
 * Cross-site request forgery protection without a session (OWASP's signed double-submit cookie):
 * the page sets a random value in an HttpOnly, SameSite=Strict cookie and puts its HMAC, under a key
 * of this process, in the form; a POST is accepted only when both come back and match. A page of
 * another site can neither read the cookie nor make the HMAC.
 */
final class CsrfTokens {

	static final String COOKIE = "keyshift_csrf";

	static final String FIELD = "csrf";

	private final SecretKeySpec key;

	private final SecureRandom random;

	CsrfTokens(SecureRandom random) {
		byte[] bytes = new byte[32];
		random.nextBytes(bytes);
		this.key = new SecretKeySpec(bytes, "HmacSHA256");
		this.random = random;
	}

	/** The form's value for this browser, setting its cookie when it has none yet. */
	String issue(HttpServletRequest request, HttpServletResponse response) {
		String nonce = cookie(request);
		if (nonce == null) {
			byte[] bytes = new byte[32];
			random.nextBytes(bytes);
			nonce = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
			response.addHeader(HttpHeaders.SET_COOKIE, ResponseCookie.from(COOKIE, nonce)
				.path("/claim")
				.httpOnly(true)
				.secure(request.isSecure())
				.sameSite("Strict")
				.build()
				.toString());
		}
		return sign(nonce);
	}

	/** Whether the form's {@code field} matches this browser's cookie. */
	boolean valid(HttpServletRequest request, String field) {
		String nonce = cookie(request);
		if (nonce == null || field == null) {
			return false;
		}
		return MessageDigest.isEqual(sign(nonce).getBytes(StandardCharsets.US_ASCII),
				field.getBytes(StandardCharsets.US_ASCII));
	}

	private static String cookie(HttpServletRequest request) {
		Cookie[] cookies = request.getCookies();
		if (cookies == null) {
			return null;
		}
		for (Cookie c : cookies) {
			if (COOKIE.equals(c.getName()) && c.getValue() != null && c.getValue().matches("[A-Za-z0-9_-]{43}")) {
				return c.getValue();
			}
		}
		return null;
	}

	private String sign(String nonce) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(key);
			return Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString(mac.doFinal(nonce.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("HMAC-SHA-256 is not available", ex);
		}
	}
}
