package io.keyshift.job;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import io.keyshift.migration.Advice;
import io.keyshift.migration.Decider;
import io.keyshift.migration.Decision;
import io.keyshift.migration.KeyUsage;
import io.keyshift.migration.NotificationKind;
import io.keyshift.migration.Outcome;
import io.keyshift.migration.Permissions;
import io.keyshift.migration.UserCase;
import io.keyshift.migration.Verdict;
import io.keyshift.notify.NotificationPayload;
import io.keyshift.store.IssuedToken;
import io.keyshift.store.MigratedUser;
import io.keyshift.store.PendingNotification;
import io.keyshift.store.RowIds;
import io.keyshift.token.DeliveryCipher;
import io.keyshift.token.TokenMinter;
import io.keyshift.token.TokenSecret;

import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Decides one user, and in a real run mints a PAT for each CREATED decision and seals the user's
 * notification. A token value leaves this class only inside the sealed payload: what goes on to
 * the writer is its digest and hint.
 */
public class MigrateProcessor implements ItemProcessor<UserCase, MigratedUser> {

	private final Decider decider;

	private final Advice advice;

	private final TokenMinter minter;

	private final DeliveryCipher cipher;

	/** @param minter and @param cipher null for a dry run, which mints and seals nothing */
	public MigrateProcessor(Decider decider, Advice advice, TokenMinter minter, DeliveryCipher cipher) {
		this.decider = decider;
		this.advice = advice;
		this.minter = minter;
		this.cipher = cipher;
	}

	@Override
	public MigratedUser process(UserCase user) {
		Verdict verdict = decider.decide(user);
		List<String> notes = advice.notes(user, verdict.decisions());
		if (minter == null) {
			return new MigratedUser(verdict, List.of(), notes, null);
		}
		List<IssuedToken> tokens = new ArrayList<>();
		List<NotificationPayload.TokenEntry> entries = new ArrayList<>();
		List<Decision> decisions = verdict.decisions();
		for (int i = 0; i < decisions.size(); i++) {
			Decision d = decisions.get(i);
			if (d.mintsToken()) {
				TokenSecret secret = minter.mint();
				String name = tokenName(user);
				String permissions = Permissions.format(d.permissions());
				tokens.add(new IssuedToken(RowIds.next(), i, d.accountId(), name, secret.digest(), secret.hint(),
						d.permissions(), permissions));
				entries.add(new NotificationPayload.TokenEntry(d.accountId(), d.account().name(), name,
						secret.hint(), permissions, secret.reveal()));
			}
		}
		return new MigratedUser(verdict, tokens, notes, seal(verdict, entries));
	}

	/** The name the PAT carries in the product: where it came from, so its owner recognises it. */
	static String tokenName(UserCase user) {
		return "Migrated from legacy API key " + user.legacyKeyId();
	}

	private PendingNotification seal(Verdict verdict, List<NotificationPayload.TokenEntry> entries) {
		NotificationKind kind = verdict.notification();
		if (kind == null) {
			return null;
		}
		UserCase user = verdict.user();
		List<NotificationPayload.SkippedEntry> skipped = kind == NotificationKind.NO_TOKEN_ISSUED
				? verdict.decisions()
					.stream()
					.filter(d -> d.outcome() == Outcome.SKIPPED)
					.map(d -> new NotificationPayload.SkippedEntry(d.accountId(),
							d.account() == null ? null : d.account().name(), d.reason().name()))
					.toList()
				: List.of();
		List<NotificationPayload.UsageEntry> usage = user.usage()
			.stream()
			.map(MigrateProcessor::usageEntry)
			.toList();
		List<NotificationPayload.ChangeEntry> changes = verdict.decisions()
			.stream()
			.filter(Decision::changesToken)
			.map(MigrateProcessor::change)
			.toList();
		NotificationPayload payload = new NotificationPayload(kind.name(), user.userId(), user.email(), entries,
				skipped, usage, changes);
		UUID id = RowIds.next();
		byte[] sealed = payload.sealed(json -> cipher.encrypt(json, associatedData(id, user.userId())));
		return new PendingNotification(id, user.userId(), user.email(), kind,
				Base64.getEncoder().encodeToString(sealed), cipher.keyId());
	}

	private static NotificationPayload.ChangeEntry change(Decision d) {
		boolean revoked = d.revokesToken();
		return new NotificationPayload.ChangeEntry(d.accountId(), d.account() == null ? null : d.account().name(),
				revoked ? "REVOKED" : "UPDATED", d.existingToken().hint(), d.previousPermissions(),
				revoked ? null : Permissions.format(d.permissions()), revoked ? d.reason().name() : null);
	}

	private static NotificationPayload.UsageEntry usageEntry(KeyUsage u) {
		return new NotificationPayload.UsageEntry(u.endpoint(), u.client(),
				u.lastCalledAt() == null ? null : u.lastCalledAt().toString(), u.calls());
	}

	/** Binds a sealed payload to its row: moved to another notification or user, it no longer opens. */
	public static String associatedData(UUID notificationId, long userId) {
		return "notification:" + notificationId + ":user:" + userId;
	}
}
