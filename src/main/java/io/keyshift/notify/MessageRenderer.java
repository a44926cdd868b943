package io.keyshift.notify;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.keyshift.claim.ClaimLink;
import io.keyshift.report.Templates;
import io.keyshift.report.VisibleText;

/**
 * Renders the message one user receives: a subject, plain text and an HTML alternative, with every
 * value from the payload escaped in the HTML. TOKENS_ISSUED lists each new PAT with its value (shown
 * once); NO_TOKEN_ISSUED says per account, in plain words, why no token could be issued. Both carry
 * the migration steps of the product's documentation, with the places the legacy key was used
 * when the export said so.
 *
 * <p>{@link #renderPreview} renders what a dry run of delivery can show without the delivery key:
 * only what is stored outside the encrypted payload.
 */
public final class MessageRenderer {

	static final String TOKENS_SUBJECT = "Action needed: your new personal access tokens replace your legacy API key";

	static final String NO_TOKEN_SUBJECT = "Your legacy API key is deprecated: no personal access token could be issued";

	static final String CHANGED_SUBJECT = "Your personal access tokens changed";

	static final String WHERE_TO_CREATE = "Account Settings \u2192 API tokens \u2192 Personal tokens";

	public RenderedMessage render(NotificationPayload payload) {
		return switch (kind(payload.kind())) {
			case TOKENS -> tokensIssued(payload);
			case NO_TOKEN -> noTokenIssued(payload);
			case CHANGED -> tokensChanged(payload);
		};
	}

	/**
	 * The message in link mode: a TOKENS_ISSUED message with {@code link} names the tokens (account,
	 * name, hint, permissions) and carries the claim link instead of their values. Other kinds carry
	 * no secret and need no link: they are rendered as in token mode. A null link is token mode.
	 */
	public RenderedMessage render(NotificationPayload payload, ClaimLink link) {
		if (link == null || kind(payload.kind()) != Kind.TOKENS) {
			return render(payload);
		}
		return tokensByLink(payload, link);
	}

	/** When a link expires, to the minute, in UTC: a person reads it. */
	private static final java.time.format.DateTimeFormatter EXPIRES = java.time.format.DateTimeFormatter
		.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH);

	private RenderedMessage tokensByLink(NotificationPayload payload, ClaimLink link) {
		List<NotificationPayload.TokenEntry> tokens = payload.tokens() == null ? List.of() : payload.tokens();
		if (tokens.isEmpty()) {
			throw new IllegalArgumentException("a TOKENS_ISSUED notification without tokens");
		}
		Doc doc = new Doc();
		doc.paragraph("Hello,");
		doc.paragraph(tokensIntro());
		claimLink(doc, tokens.size() == 1, link);
		doc.heading(tokens.size() == 1 ? "Your new token" : "Your new tokens");
		for (NotificationPayload.TokenEntry token : tokens) {
			doc.token(account(token.accountId(), token.accountName()), token.name(), null, token.hint(),
					Permissions.describe(token.permissions()));
		}
		changes(doc, payload);
		steps(doc, Kind.TOKENS, usage(payload), tokens.size());
		linkClosing(doc);
		return doc.finish(TOKENS_SUBJECT);
	}

	/** The link, its expiry, the key check and the code to paste, of a link-mode message. */
	private static void claimLink(Doc doc, boolean oneToken, ClaimLink link) {
		doc.warning("We never send tokens by e-mail. " + (oneToken ? "Your token waits" : "Your tokens wait")
				+ " for you on a page that shows " + (oneToken ? "it" : "them") + " once. Open this link"
				+ " (it works once, and until " + EXPIRES.format(link.expiresAt()) + "):");
		doc.link(link.url());
		doc.paragraph(link.keyCheckWaived()
				? "Your administrator has waived the legacy API key check for this link: the page shows your tokens"
						+ " without asking for your key."
				: "The page asks for your current legacy API key, to make sure the tokens reach you and nobody else."
						+ " After 5 wrong keys the link locks; your administrator can send you a new one.");
		doc.paragraph("If the page asks for a claim code, paste this one: " + link.code());
		doc.paragraph("Copy each token when the page shows it and keep it in a password manager or secret store:"
				+ " the page shows it only once, and it is not stored anywhere in readable form.");
	}

	private static void linkClosing(Doc doc) {
		doc.paragraph("Do not forward this message: the link is yours. If you did not expect it, or the page says the"
				+ " tokens were claimed already and it was not you, tell your administrator at once.");
	}

	/**
	 * The dry-run stand-in for a message: who would get which kind of message, with the tokens, the
	 * accounts and the key usage withheld (they are in the encrypted payload, which a dry run does
	 * not open).
	 */
	public RenderedMessage renderPreview(String kind, long userId, String email) {
		return renderPreview(kind, userId, email, null);
	}

	/**
	 * As {@link #renderPreview(String, long, String)}; in link mode ({@code placeholder} not null) a
	 * TOKENS_ISSUED message shows the link-mode message with {@code placeholder}, a stand-in for the
	 * link each message gets when it is sent (no claim made, no secret).
	 */
	public RenderedMessage renderPreview(String kind, long userId, String email, ClaimLink placeholder) {
		Kind k = kind(kind);
		if (placeholder != null && k == Kind.TOKENS) {
			Doc doc = new Doc();
			doc.paragraph("[Preview: nothing is sent in a dry run. This message would go to " + email + " (user "
					+ userId + "), kind " + kind + ", with a claim link instead of the tokens. Its link and claim code"
					+ " are made when it is sent; its accounts, token names and key usage are withheld: they are in the"
					+ " encrypted payload, which a dry run does not decrypt.]");
			doc.paragraph("Hello,");
			doc.paragraph(tokensIntro());
			claimLink(doc, false, placeholder);
			doc.heading("Your new tokens");
			doc.paragraph("[the accounts, names, hints and permissions of the new tokens: withheld in this preview]");
			steps(doc, k, List.of(), 0);
			linkClosing(doc);
			return doc.finish(TOKENS_SUBJECT);
		}
		Doc doc = new Doc();
		doc.paragraph("[Preview: nothing is sent in a dry run. This message would go to " + email + " (user " + userId
				+ "), kind " + kind + ". Its " + (k == Kind.TOKENS ? "tokens" : k == Kind.CHANGED ? "changes" : "reasons")
				+ ", accounts and key usage are withheld: they are in the encrypted payload, which a dry run does not"
				+ " decrypt.]");
		if (k == Kind.CHANGED) {
			doc.paragraph("[the changes to the user's tokens, per account: withheld in this preview]");
			closing(doc, k);
			return doc.finish(CHANGED_SUBJECT);
		}
		if (k == Kind.TOKENS) {
			doc.paragraph(tokensIntro());
			doc.paragraph("[the new tokens: withheld in this preview]");
		}
		else {
			doc.paragraph(noTokenIntro());
			doc.paragraph("[the accounts and reasons: withheld in this preview]");
		}
		steps(doc, k, List.of(), 0);
		closing(doc, k);
		return doc.finish(k == Kind.TOKENS ? TOKENS_SUBJECT : NO_TOKEN_SUBJECT);
	}

	private RenderedMessage tokensIssued(NotificationPayload payload) {
		List<NotificationPayload.TokenEntry> tokens = payload.tokens() == null ? List.of() : payload.tokens();
		if (tokens.isEmpty()) {
			throw new IllegalArgumentException("a TOKENS_ISSUED notification without tokens");
		}
		Doc doc = new Doc();
		doc.paragraph("Hello,");
		doc.paragraph(tokensIntro());
		doc.warning("Copy " + (tokens.size() == 1 ? "the token" : "each token")
				+ " now and keep it in a password manager or secret store. This is the only time it is shown:"
				+ " it is not stored anywhere in readable form and will not be shown again. If you lose it, create a"
				+ " new one under " + WHERE_TO_CREATE + ".");
		for (NotificationPayload.TokenEntry token : tokens) {
			doc.token(account(token.accountId(), token.accountName()), token.name(), token.token(), token.hint(),
					Permissions.describe(token.permissions()));
		}
		changes(doc, payload);
		steps(doc, Kind.TOKENS, usage(payload), tokens.size());
		closing(doc, Kind.TOKENS);
		return doc.finish(TOKENS_SUBJECT);
	}

	/**
	 * SPEC §6: a user whose earlier tokens changed, and who got no new one: per account, the
	 * permissions before and after, or the revocation and its reason in words.
	 */
	private RenderedMessage tokensChanged(NotificationPayload payload) {
		Doc doc = new Doc();
		doc.paragraph("Hello,");
		doc.paragraph("Your personal access tokens follow your access: each one carries exactly the permissions you"
				+ " have in its account. Your access changed, so your tokens did too:");
		changes(doc, payload);
		doc.paragraph("A revoked token stops working at once and cannot be used again. If you still need API access"
				+ " to that account, ask an account admin, then create a personal access token under "
				+ WHERE_TO_CREATE + ".");
		closing(doc, Kind.CHANGED);
		return doc.finish(CHANGED_SUBJECT);
	}

	/** The changes to earlier tokens, one line per account; nothing when there are none. */
	private static void changes(Doc doc, NotificationPayload payload) {
		List<NotificationPayload.ChangeEntry> changes = payload.changes() == null ? List.of() : payload.changes();
		if (changes.isEmpty()) {
			return;
		}
		doc.heading("Changes to your existing tokens");
		List<String> lines = new ArrayList<>();
		for (NotificationPayload.ChangeEntry c : changes) {
			String token = "the token ending in " + c.hint();
			if ("REVOKED".equals(c.change())) {
				lines.add(account(c.accountId(), c.accountName()) + ": " + token + " was revoked because "
						+ revocation(c.reason()) + ". It had: " + Permissions.describe(c.before()) + ".");
			}
			else {
				lines.add(account(c.accountId(), c.accountName()) + ": the permissions of " + token
						+ " now match yours. Before: " + Permissions.describe(c.before()) + ". Now: "
						+ Permissions.describe(c.after()) + ".");
			}
		}
		doc.bullets(lines);
	}

	static String revocation(String code) {
		if ("MEMBERSHIP_REMOVED".equals(code)) {
			return "you are no longer a member of this account";
		}
		return reason(code);
	}

	private RenderedMessage noTokenIssued(NotificationPayload payload) {
		Doc doc = new Doc();
		doc.paragraph("Hello,");
		doc.paragraph(noTokenIntro());
		List<String> reasons = new ArrayList<>();
		List<NotificationPayload.SkippedEntry> skipped = payload.skipped() == null ? List.of() : payload.skipped();
		for (NotificationPayload.SkippedEntry entry : skipped) {
			reasons.add(entry.accountId() == null ? sentence(reason(entry.reason()))
					: account(entry.accountId(), entry.accountName()) + ": " + reason(entry.reason()) + ".");
		}
		if (reasons.isEmpty()) {
			reasons.add("No account of yours is eligible for personal access tokens.");
		}
		doc.bullets(reasons);
		steps(doc, Kind.NO_TOKEN, usage(payload), 0);
		closing(doc, Kind.NO_TOKEN);
		return doc.finish(NO_TOKEN_SUBJECT);
	}

	private static String tokensIntro() {
		return "Your legacy user API key is deprecated and will stop working. It has been replaced by personal"
				+ " access tokens (PATs). A personal access token works in one account only, so you get one for each"
				+ " account where you hold a developer license, with exactly the permissions you have in that account.";
	}

	private static String noTokenIntro() {
		return "Your legacy user API key is deprecated and will stop working. It is being replaced by personal"
				+ " access tokens (PATs), which work in one account only and are available to users with a developer"
				+ " license on Team and Enterprise accounts. We could not issue you a token:";
	}

	private static void steps(Doc doc, Kind kind, List<String> usage, int tokenCount) {
		doc.heading("What to do now");
		List<String> steps = new ArrayList<>();
		if (kind == Kind.TOKENS) {
			steps.add("Replace the legacy API key everywhere it is used with the token of the right account, then"
					+ " check that each of those places still works."
					+ (usage.isEmpty() ? " Make a list of every place that calls the API with it first: scripts, CI"
							+ " jobs, notebooks, integrations." : " It was used recently here:"));
		}
		else {
			steps.add("Replace the legacy API key everywhere it is used: it will stop working there. Where you still"
					+ " need API access, use a personal access token of that account (step 2) or a service token"
					+ " (step 3)."
					+ (usage.isEmpty() ? " Make a list of every place that calls the API with it: scripts, CI jobs,"
							+ " notebooks, integrations." : " It was used recently here:"));
		}
		steps.add(kind == Kind.TOKENS
				? "Use one personal access token per account. A token works only in the account it was made for"
						+ (tokenCount > 1 ? "; you have " + tokenCount + " above, one for each account. " : ". ")
						+ "Where one legacy key served several accounts, use each account's own token there."
				: "If you still need API access to an account, ask an account admin for a developer license on a"
						+ " Team or Enterprise account, then create a personal access token under " + WHERE_TO_CREATE
						+ ": one per account, copied when it is shown (it is shown only once).");
		steps.add("Use a personal token only where a person's access is needed. Move service and automation flows"
				+ " (CI pipelines, schedulers, Terraform, Airflow and the like) to service tokens, which belong to the"
				+ " account rather than to you; an account admin can create them.");
		steps.add("/v2/accounts and /v3/accounts now return only the account of the token you call them with, not"
				+ " every account you belong to. To read another account, call it with that account's token.");
		doc.steps(steps, usage);
	}

	private static void closing(Doc doc, Kind kind) {
		doc.paragraph(kind == Kind.TOKENS
				? "Keep this message private and do not forward it: it holds secrets. Once the tokens are stored"
						+ " safely, delete it. If you did not expect this message, tell your administrator."
				: "If you did not expect this message, tell your administrator.");
	}

	private static List<String> usage(NotificationPayload payload) {
		List<String> out = new ArrayList<>();
		if (payload.usage() == null) {
			return out;
		}
		for (NotificationPayload.UsageEntry u : payload.usage()) {
			StringBuilder line = new StringBuilder(
					u.endpoint() == null || u.endpoint().isBlank() ? "(endpoint unknown)" : u.endpoint());
			if (u.client() != null && !u.client().isBlank()) {
				line.append(" from ").append(u.client());
			}
			if (u.lastCalledAt() != null && !u.lastCalledAt().isBlank()) {
				line.append(", last call ").append(u.lastCalledAt());
			}
			if (u.calls() > 0) {
				line.append(String.format(Locale.ROOT, " (%,d call%s)", u.calls(), u.calls() == 1 ? "" : "s"));
			}
			out.add(line.toString());
		}
		return out;
	}

	static String account(Long accountId, String accountName) {
		if (accountName == null || accountName.isBlank()) {
			return accountId == null ? "Your user" : "Account " + accountId;
		}
		return accountName + (accountId == null ? "" : " (account " + accountId + ")");
	}

	static String reason(String code) {
		if (code == null) {
			return "no token could be issued";
		}
		return switch (code) {
			case "NO_MEMBERSHIPS" -> "you are not a member of any account, so there is no account a token could be"
					+ " issued for";
			case "ACCOUNT_INACTIVE" -> "the account is locked or deleted";
			case "PLAN_NOT_ELIGIBLE" -> "the account is on the Developer plan; personal access tokens come with the"
					+ " Team and Enterprise plans";
			case "NO_DEVELOPER_LICENSE" -> "you do not have a developer license in this account, and only"
					+ " developer-licensed users can hold personal access tokens";
			default -> "no token could be issued (" + code + ")";
		};
	}

	private static String sentence(String text) {
		return Character.toUpperCase(text.charAt(0)) + text.substring(1) + ".";
	}

	private enum Kind {

		TOKENS, NO_TOKEN, CHANGED
	}

	private static Kind kind(String kind) {
		if ("TOKENS_ISSUED".equals(kind)) {
			return Kind.TOKENS;
		}
		if ("NO_TOKEN_ISSUED".equals(kind)) {
			return Kind.NO_TOKEN;
		}
		if ("TOKENS_CHANGED".equals(kind)) {
			return Kind.CHANGED;
		}
		throw new IllegalArgumentException("unknown notification kind");
	}

	/** Permissions as the report writes them ({@code admin@1201;developer@all}), in words. */
	static final class Permissions {

		private Permissions() {
		}

		static String describe(String codes) {
			if (codes == null || codes.isBlank()) {
				return "none";
			}
			Map<String, List<String>> bySet = new LinkedHashMap<>();
			for (String grant : codes.split(";")) {
				int at = grant.lastIndexOf('@');
				if (at <= 0) {
					return codes;
				}
				bySet.computeIfAbsent(grant.substring(0, at).strip(), k -> new ArrayList<>())
					.add(grant.substring(at + 1).strip());
			}
			List<String> parts = new ArrayList<>();
			bySet.forEach((set, scopes) -> parts.add(set + " " + (scopes.contains("all") ? "on all projects"
					: (scopes.size() == 1 ? "on project " : "on projects ") + String.join(", ", scopes))));
			return String.join("; ", parts);
		}
	}

	/**
	 * The blocks of a message, in order, with every invisible character spelled out; the templates
	 * {@code mail/message.txt} and {@code mail/message.html} lay them out, and the engine escapes the HTML.
	 */
	private static final class Doc {

		private final List<Map<String, Object>> blocks = new ArrayList<>();

		void paragraph(String s) {
			add("paragraph", s, List.of(), List.of(), null);
		}

		void heading(String s) {
			add("heading", s, List.of(), List.of(), null);
		}

		void warning(String s) {
			add("warning", s, List.of(), List.of(), null);
		}

		void link(String url) {
			add("link", url, List.of(), List.of(), null);
		}

		void bullets(List<String> items) {
			add("bullets", null, items, List.of(), null);
		}

		/** Numbered steps; {@code detail} are bullets under the first. */
		void steps(List<String> items, List<String> detail) {
			add("steps", null, items, detail, null);
		}

		/** A token's table; without {@code token} (link mode) the value's line is left out. */
		void token(String account, String name, String token, String hint, String permissions) {
			Map<String, Object> lines = new HashMap<>();
			lines.put("account", VisibleText.of(account));
			lines.put("name", VisibleText.of(name));
			lines.put("value", VisibleText.of(token));
			lines.put("hint", VisibleText.of(hint));
			lines.put("permissions", VisibleText.of(permissions));
			add("token", null, List.of(), List.of(), lines);
		}

		/** Maps, not records: the engine reads a map's entries several times faster than a record's fields. */
		private void add(String kind, String text, List<String> items, List<String> detail, Map<String, Object> token) {
			Map<String, Object> block = new HashMap<>();
			block.put("kind", kind);
			block.put("text", VisibleText.of(text));
			block.put("items", items.stream().map(VisibleText::of).toList());
			block.put("detail", detail.stream().map(VisibleText::of).toList());
			block.put("token", token);
			blocks.add(block);
		}

		RenderedMessage finish(String subject) {
			Map<String, Object> model = Map.of("subject", subject, "blocks", blocks);
			return new RenderedMessage(subject, Templates.render("mail/message.txt", model).stripTrailing() + "\n",
					Templates.render("mail/message.html", model));
		}
	}
}
