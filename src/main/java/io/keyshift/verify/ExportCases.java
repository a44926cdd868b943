package io.keyshift.verify;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.keyshift.input.AccountRow;
import io.keyshift.input.InputFile;
import io.keyshift.input.LegacyKeyRow;
import io.keyshift.input.MembershipRow;
import io.keyshift.input.Reject;
import io.keyshift.input.StagingSink;
import io.keyshift.input.UsageRow;
import io.keyshift.migration.Account;
import io.keyshift.migration.ExistingToken;
import io.keyshift.migration.Grant;
import io.keyshift.migration.LegacyKeyStatus;
import io.keyshift.migration.License;
import io.keyshift.migration.Membership;
import io.keyshift.migration.UserCase;

/**
 * The users an export puts in scope, as the job's {@link UserCase}s, built in memory from the rows
 * the job's own {@link io.keyshift.input.ExportReader} hands over, with the export-wide rules the
 * load step applies in the database (SPEC §2): an {@code account_id} or {@code key_id} carried by
 * more than one row (rejected ones too) rejects every such row; a user's key is the lowest of their
 * valid keys; an e-mail two user ids share (any case) is shared; a membership row rejected with a
 * readable user quarantines its pair, or the whole user when its account cannot be read. Usage rows
 * are not kept: they give advice, never permissions. For {@code keyshift verify --input}, which
 * changes nothing: it holds the export's valid rows in memory.
 */
public final class ExportCases implements StagingSink {

	/** What earlier runs recorded, read from the database. */
	public interface Earlier {

		/** The key's status, or null when no run recorded it. */
		LegacyKeyStatus keyStatus(long keyId);

		/** The user an earlier run recorded the key for, or null. */
		Long keyOwner(long keyId);

		/** The user's ACTIVE tokens by account (permissions formatted as the job formats them). */
		Map<Long, ExistingToken> activeTokens(long userId, Map<Long, Account> accounts);
	}

	private final Map<Long, AccountRow> accounts = new HashMap<>();

	private final Map<Long, Integer> accountRows = new HashMap<>();

	private final List<LegacyKeyRow> keys = new ArrayList<>();

	private final Map<Long, Integer> keyRows = new HashMap<>();

	private final List<MembershipRow> memberships = new ArrayList<>();

	/** user → accounts whose rows were rejected (null account: the user's whole membership). */
	private final Map<Long, Set<Long>> rejectedPairs = new HashMap<>();

	private final Set<Long> rejectedWithoutAccount = new HashSet<>();

	@Override
	public void account(AccountRow row) {
		accounts.put(row.accountId(), row);
		accountRows.merge(row.accountId(), 1, Integer::sum);
	}

	@Override
	public void legacyKey(LegacyKeyRow row) {
		keys.add(row);
		keyRows.merge(row.keyId(), 1, Integer::sum);
	}

	@Override
	public void membership(MembershipRow row) {
		memberships.add(row);
	}

	@Override
	public void rejectedMembership(long line, long userId, Long accountId) {
		if (accountId == null) {
			rejectedWithoutAccount.add(userId);
		}
		else {
			rejectedPairs.computeIfAbsent(userId, u -> new HashSet<>()).add(accountId);
		}
	}

	@Override
	public void unattributed(Reject reject) {
	}

	@Override
	public void rejectedId(InputFile file, long line, long id) {
		if (file == InputFile.ACCOUNTS) {
			accountRows.merge(id, 1, Integer::sum);
		}
		else if (file == InputFile.LEGACY_KEYS) {
			keyRows.merge(id, 1, Integer::sum);
		}
	}

	@Override
	public void usage(UsageRow row) {
	}

	@Override
	public void reject(Reject reject) {
	}

	@Override
	public void fileRead(InputFile file, long rowsRead, long rowsRejected) {
	}

	/** The accounts the export lists usably: one valid row, no other row carrying its id. */
	public Map<Long, Account> accounts() {
		Map<Long, Account> usable = new HashMap<>();
		accounts.forEach((id, row) -> {
			if (accountRows.get(id) == 1) {
				usable.put(id, new Account(id, row.accountName(), row.plan(), row.state()));
			}
		});
		return usable;
	}

	/** Every user in scope (a valid legacy key), by user id, as the migrate step would see them. */
	public List<UserCase> cases(Earlier earlier) {
		Map<Long, Account> usable = accounts();
		Map<Long, List<LegacyKeyRow>> keysByUser = new TreeMap<>();
		Map<String, Set<Long>> usersByEmail = new HashMap<>();
		for (LegacyKeyRow key : keys) {
			if (keyRows.get(key.keyId()) == 1) {
				keysByUser.computeIfAbsent(key.userId(), u -> new ArrayList<>()).add(key);
				usersByEmail.computeIfAbsent(key.email().toLowerCase(Locale.ROOT), e -> new HashSet<>())
					.add(key.userId());
			}
		}
		Map<Long, TreeMap<Long, List<MembershipRow>>> pairs = new HashMap<>();
		for (MembershipRow row : memberships) {
			pairs.computeIfAbsent(row.userId(), u -> new TreeMap<>())
				.computeIfAbsent(row.accountId(), a -> new ArrayList<>())
				.add(row);
		}
		List<UserCase> cases = new ArrayList<>();
		keysByUser.forEach((userId, userKeys) -> {
			LegacyKeyRow first = userKeys.stream().min(java.util.Comparator.comparingLong(LegacyKeyRow::keyId)).orElseThrow();
			boolean shared = userKeys.stream()
				.anyMatch(k -> usersByEmail.get(k.email().toLowerCase(Locale.ROOT)).size() > 1);
			Map<Long, ExistingToken> held = earlier.activeTokens(userId, usable);
			TreeMap<Long, List<MembershipRow>> userPairs = pairs.getOrDefault(userId, new TreeMap<>());
			Set<Long> rejectedAccounts = rejectedPairs.getOrDefault(userId, Set.of());
			TreeMap<Long, Membership> byAccount = new TreeMap<>();
			Set<Long> accountIds = new java.util.TreeSet<>(userPairs.keySet());
			accountIds.addAll(rejectedAccounts);
			for (long accountId : accountIds) {
				Set<License> licenses = EnumSet.noneOf(License.class);
				List<Grant> grants = new ArrayList<>();
				for (MembershipRow row : userPairs.getOrDefault(accountId, List.of())) {
					licenses.add(row.license());
					grants.add(new Grant(row.permissionSet(), row.projectId()));
				}
				byAccount.put(accountId, new Membership(accountId, usable.get(accountId),
						rejectedAccounts.contains(accountId), licenses, grants, held.get(accountId)));
			}
			Long owner = earlier.keyOwner(first.keyId());
			cases.add(new UserCase(userId, first.keyId(), first.email(), userKeys.size(), shared,
					earlier.keyStatus(first.keyId()), new ArrayList<>(byAccount.values()), List.of(),
					rejectedWithoutAccount.contains(userId), new ArrayList<>(held.values()),
					owner != null && owner != userId.longValue()));
		});
		return cases;
	}
}
