package io.keyshift.claim;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

import io.keyshift.notify.NotificationPayload;
import io.keyshift.report.VisibleText;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;

/**
 * The pages of {@code keyshift serve}: {@code GET /claim/{id}} shows what the link is for and
 * consumes nothing (mail scanners open links before people do); {@code POST /claim/{id}} with the
 * claim code, the legacy key and the form's CSRF value shows the tokens once; {@code GET /health}
 * answers the proxy. The claim secret travels only in the POST's body: the link carries it in its
 * fragment, which browsers never send, and the page's script moves it into the form (without
 * script, the user pastes the code from the e-mail).
 */
@Controller
@ConditionalOnProperty(name = "keyshift.serve.enabled", havingValue = "true")
class ClaimController {

	private static final Logger log = LoggerFactory.getLogger(ClaimController.class);

	private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'",
			Locale.ENGLISH);

	private final ClaimService claims;

	private final CsrfTokens csrf;

	private final RateLimiter views;

	private final RateLimiter attempts;

	private final ClaimSettings settings;

	private final JdbcTemplate jdbc;

	ClaimController(ClaimService claims, CsrfTokens csrf, ServeConfiguration.Limits limits, ClaimSettings settings,
			JdbcTemplate jdbc) {
		this.claims = claims;
		this.csrf = csrf;
		this.views = limits.views();
		this.attempts = limits.attempts();
		this.settings = settings;
		this.jdbc = jdbc;
	}

	@GetMapping("/health")
	@ResponseBody
	ResponseEntity<String> health() {
		try {
			jdbc.queryForObject("select count(*) from token_claim where 1 = 0", Long.class);
			return ResponseEntity.ok("ok\n");
		}
		catch (RuntimeException ex) {
			return ResponseEntity.status(503).body("database unavailable\n");
		}
	}

	@GetMapping("/claim/{id}")
	String show(@PathVariable("id") String id, HttpServletRequest request, HttpServletResponse response, Model model) {
		String client = request.getRemoteAddr();
		if (!views.allow(client)) {
			return tooMany(id, client, response, model);
		}
		ClaimService.Answer answer = claims.look(parse(id));
		return page(answer, id, request, response, model, null);
	}

	@PostMapping("/claim/{id}")
	String claim(@PathVariable("id") String id, @RequestParam(name = "code", required = false) String code,
			@RequestParam(name = "legacy_key", required = false) String legacyKey,
			@RequestParam(name = CsrfTokens.FIELD, required = false) String csrfField, HttpServletRequest request,
			HttpServletResponse response, Model model) {
		String client = request.getRemoteAddr();
		if (!attempts.allow(client)) {
			return tooMany(id, client, response, model);
		}
		if (!csrf.valid(request, csrfField)) {
			log.info("claim refused: missing or wrong CSRF value (claim {}, client {})", safeId(id), client);
			response.setStatus(403);
			model.addAttribute("title", "This form has expired");
			model.addAttribute("message", "The page could not confirm that this request came from its own form"
					+ " (its security cookie is missing or does not match). Nothing was used up: open the link from"
					+ " your e-mail again and try once more.");
			model.addAttribute("retryLink", "/claim/" + safeId(id));
			return "claim/refused";
		}
		ClaimService.Answer answer = claims.claim(parse(id), code, legacyKey, client);
		return page(answer, id, request, response, model, code);
	}

	private String page(ClaimService.Answer answer, String id, HttpServletRequest request, HttpServletResponse response,
			Model model, String code) {
		response.setStatus(answer.outcome().status());
		ClaimStore.Claim claim = answer.claim();
		model.addAttribute("contact", settings.contact());
		switch (answer.outcome()) {
			case OPEN, WRONG_CODE, WRONG_KEY -> {
				model.addAttribute("claimId", claim.id().toString());
				model.addAttribute("csrf", csrf.issue(request, response));
				model.addAttribute("expires", WHEN.format(claim.expiresAt()));
				model.addAttribute("keyCheck", claim.keyCheckWaivedBy() == null);
				model.addAttribute("triesLeft", answer.triesLeft());
				// after a wrong key the code is put back (the fragment is gone once the form was posted)
				model.addAttribute("code", answer.outcome() == ClaimService.Outcome.WRONG_KEY ? code : "");
				model.addAttribute("error", switch (answer.outcome()) {
					case WRONG_CODE -> "That claim code does not belong to this link. Paste the code from your e-mail"
							+ " (the whole line after \"paste this one:\").";
					case WRONG_KEY -> "That is not your current legacy API key. " + answer.triesLeft()
							+ (answer.triesLeft() == 1 ? " more try" : " more tries")
							+ " before this link locks.";
					default -> null;
				});
				return "claim/confirm";
			}
			case SHOWN -> {
				model.addAttribute("tokens", tokens(answer.tokens()));
				model.addAttribute("claimedAt", WHEN.format(claim.claimedAt()));
				return "claim/tokens";
			}
			default -> {
				refusal(answer.outcome(), claim, model);
				return "claim/refused";
			}
		}
	}

	private void refusal(ClaimService.Outcome outcome, ClaimStore.Claim claim, Model model) {
		String contact = settings.contact();
		switch (outcome) {
			case UNKNOWN -> {
				model.addAttribute("title", "This link is not known");
				model.addAttribute("message", "No claim link has this address. Check that you opened the whole link"
						+ " from your e-mail; if it still does not work, ask " + contact + " for a new one.");
			}
			case CLAIMED -> {
				model.addAttribute("title", "These tokens were claimed already");
				model.addAttribute("message", "The tokens of this link were shown on "
						+ (claim.claimedAt() == null ? "an earlier visit" : WHEN.format(claim.claimedAt()))
						+ ", once, and are not shown again. If that was not you, tell " + contact
						+ " at once: they will revoke those tokens and issue new ones.");
			}
			case EXPIRED -> {
				model.addAttribute("title", "This link has expired");
				model.addAttribute("message", "This link worked until " + WHEN.format(claim.expiresAt())
						+ ". Your tokens were not shown to anyone. Ask " + contact + " to send you a new link.");
			}
			case REPLACED -> {
				model.addAttribute("title", "This link was replaced");
				model.addAttribute("message", "A newer link was sent to you on "
						+ (claim.replacedAt() == null ? "a later date" : WHEN.format(claim.replacedAt()))
						+ "; this one no longer works. Use the link in the newest e-mail, or ask " + contact + ".");
			}
			case LOCKED -> {
				model.addAttribute("title", "This link is locked");
				model.addAttribute("message", "Too many wrong legacy API keys were entered for this link, so it"
						+ " was locked on " + (claim.lockedAt() == null ? "an earlier visit" : WHEN.format(claim.lockedAt()))
						+ ". Your tokens were not shown. Ask " + contact + " to send you a new link.");
			}
			default -> {
				model.addAttribute("title", "Your tokens cannot be shown right now");
				model.addAttribute("message", "Nothing was used up: try again later. If it keeps happening, tell "
						+ contact + ".");
			}
		}
	}

	private String tooMany(String id, String client, HttpServletResponse response, Model model) {
		log.info("claim refused: too many requests from this client (claim {}, client {})", safeId(id), client);
		response.setStatus(429);
		response.setHeader("Retry-After", Long.toString(attempts.retryAfterSeconds()));
		model.addAttribute("contact", settings.contact());
		model.addAttribute("title", "Too many attempts");
		model.addAttribute("message", "This address made too many requests in the last minute. Nothing was used up:"
				+ " wait a minute, then open the link from your e-mail again.");
		return "claim/refused";
	}

	/** One token as the page shows it. */
	record TokenView(String elementId, String account, String name, String hint, String permissions, String value) {

		@Override
		public String toString() {
			return "TokenView[" + elementId + ", value=[redacted]]";
		}
	}

	private static List<TokenView> tokens(List<NotificationPayload.TokenEntry> entries) {
		List<TokenView> out = new ArrayList<>();
		int i = 1;
		for (NotificationPayload.TokenEntry t : entries) {
			String account = t.accountName() == null || t.accountName().isBlank() ? "Account " + t.accountId()
					: VisibleText.of(t.accountName()) + " (account " + t.accountId() + ")";
			out.add(new TokenView("token-" + i++, account, t.name(), t.hint(), describe(t.permissions()), t.token()));
		}
		return out;
	}

	/** {@code admin@12;developer@all} as the e-mail writes it: admin on project 12; developer on all projects. */
	private static String describe(String codes) {
		if (codes == null || codes.isBlank()) {
			return "none";
		}
		Map<String, List<String>> bySet = new java.util.LinkedHashMap<>();
		for (String grant : codes.split(";")) {
			int at = grant.lastIndexOf('@');
			if (at <= 0) {
				return codes;
			}
			bySet.computeIfAbsent(grant.substring(0, at), k -> new ArrayList<>()).add(grant.substring(at + 1));
		}
		List<String> parts = new ArrayList<>();
		bySet.forEach((set, scopes) -> parts.add(set + " " + (scopes.contains("all") ? "on all projects"
				: (scopes.size() == 1 ? "on project " : "on projects ") + String.join(", ", scopes))));
		return String.join("; ", parts);
	}

	private static UUID parse(String id) {
		try {
			return id != null && id.length() == 36 ? UUID.fromString(id) : null;
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	/** The id as it may go into a log line or a link: a UUID, or nothing of what was sent. */
	private static String safeId(String id) {
		UUID parsed = parse(id);
		return parsed == null ? "(malformed id)" : parsed.toString();
	}

	/** Keeps OffsetDateTime imported for the formatter's users. */
	static String when(OffsetDateTime t) {
		return WHEN.format(t);
	}
}
