package io.keyshift.generate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Writes a deterministic, realistic export in the format of SPEC §2, for rehearsals and load tests.
 *
 * <p>Proportions, per user: about 0.9 legacy keys (10% of users have none and are out of scope),
 * 1.6 accounts, 5 membership rows (about 3 grants per (user, account): a mix of all-project grants
 * and grants on projects {@code accountId * 100 + k}), one account per 40 users and one usage row per
 * 3 keys. Every plan, state, license and permission set occurs, and so does a sprinkling of the data
 * problems the rules quarantine or skip: about 0.1% of users hold two keys, 0.1% share an email
 * (differing in case) with another user, 0.1% have a license conflict in one account, 0.5% of key
 * holders have no membership, and 0.2% of membership rows name an account that is not in
 * {@code accounts.csv}.
 *
 * <p>The same {@link Options} give byte-identical files: everything comes from {@link SplittableRandom}
 * streams seeded by the options (no clock, no {@code SecureRandom}); timestamps fall in 2024–2026,
 * in UTC. Rows are ordered by user id (memberships by user, then account) and stream straight to disk,
 * so memory stays flat whatever the number of users.
 */
public final class ExportGenerator {

	/**
	 * What to generate.
	 *
	 * @param users how many users (user ids 1..users); zero writes files with headers only
	 * @param seed the seed every random choice derives from
	 */
	public record Options(long users, long seed) {

		/** Checks that {@code users} is not negative. */
		public Options {
			if (users < 0) {
				throw new IllegalArgumentException("users must be 0 or more, was " + users);
			}
		}
	}

	/**
	 * The numbers of data rows written (headers not counted).
	 *
	 * @param accounts rows of {@code accounts.csv}
	 * @param legacyKeys rows of {@code legacy_api_keys.csv}
	 * @param membershipRows rows of {@code account_memberships.csv}
	 * @param usageRows rows of {@code api_key_usage.csv}
	 */
	public record GeneratedExport(long accounts, long legacyKeys, long membershipRows, long usageRows) {
	}

	static final String ACCOUNTS_FILE = "accounts.csv";

	static final String KEYS_FILE = "legacy_api_keys.csv";

	static final String MEMBERSHIPS_FILE = "account_memberships.csv";

	static final String USAGE_FILE = "api_key_usage.csv";

	static final String[] ACCOUNTS_HEADER = { "account_id", "account_name", "plan", "state" };

	static final String[] KEYS_HEADER = { "key_id", "user_id", "email", "api_key", "created_at", "last_used_at" };

	static final String[] MEMBERSHIPS_HEADER = { "user_id", "account_id", "license_type", "permission_set",
			"project_id" };

	static final String[] USAGE_HEADER = { "key_id", "endpoint", "client", "last_called_at", "calls" };

	static final String[] PLANS = { "developer", "team", "enterprise", "enterprise_plus" };

	static final String[] STATES = { "active", "locked", "deleted" };

	static final String[] LICENSES = { "developer", "read_only", "it", "analyst" };

	static final String[] PERMISSION_SETS = { "owner", "member", "account_admin", "security_admin", "billing_admin",
			"admin", "database_admin", "git_admin", "team_admin", "job_admin", "job_runner", "job_viewer", "analyst",
			"developer", "stakeholder", "readonly", "project_creator", "account_viewer", "metadata_only",
			"semantic_layer_only", "webhooks_only", "fusion_admin", "cost_management_viewer",
			"cost_management_admin", "manage_marketplace_apps" };

	/** Sets that only make sense account-wide: always granted on all projects. */
	private static final boolean[] ACCOUNT_WIDE = new boolean[PERMISSION_SETS.length];

	/** Draw weights of each set, in {@link #PERMISSION_SETS} order, for developer licenses. */
	private static final int[] DEVELOPER_WEIGHTS = { 2, 12, 3, 1, 1, 10, 3, 3, 2, 8, 6, 6, 2, 30, 1, 2, 3, 1, 1, 1, 1,
			1, 1, 1, 1 };

	/** Draw weights for the other licenses (read_only, it, analyst). */
	private static final int[] OTHER_WEIGHTS = { 1, 15, 2, 2, 3, 1, 1, 1, 1, 1, 1, 8, 15, 1, 15, 20, 1, 8, 4, 3, 1, 1,
			3, 1, 1 };

	private static final int[] DEVELOPER_TABLE = table(DEVELOPER_WEIGHTS);

	private static final int[] OTHER_TABLE = table(OTHER_WEIGHTS);

	static {
		for (String set : new String[] { "owner", "member", "account_admin", "security_admin", "billing_admin",
				"team_admin", "project_creator", "account_viewer", "fusion_admin", "cost_management_viewer",
				"cost_management_admin", "manage_marketplace_apps" }) {
			ACCOUNT_WIDE[indexOf(PERMISSION_SETS, set)] = true;
		}
	}

	/** Endpoints, each split at its {@code {id}} (a single element: no account id in it). */
	private static final String[][] ENDPOINTS = { { "/api/v2/accounts/" }, { "/api/v3/accounts/" },
			{ "/api/v2/accounts/", "/runs/" }, { "/api/v2/accounts/", "/jobs/" },
			{ "/api/v3/accounts/", "/projects/" }, { "/api/v2/accounts/", "/runs/?limit=100&order_by=-id" } };

	private static final String[] CLIENTS = { "terraform-provider-dbtcloud/0.3.21",
			"apache-airflow-providers-dbt-cloud/3.11.0", "python-requests/2.31.0", "curl/8.5.0", "dbt-cloud-cli/0.38.0",
			"Mozilla/5.0" };

	private static final String[] FIRST = { "amara", "lucas", "priya", "hiroshi", "sofia", "mateo", "chen", "fatima",
			"oliver", "emily", "daniel", "grace", "noah", "aisha", "lena", "samuel", "isabella", "ravi", "marta",
			"jonas", "yuki", "ahmed", "chloe", "tomasz", "hannah", "kwame", "nadia", "liam", "zara", "ben", "maya",
			"arjun", "sara", "felix", "kofi", "ines", "diego", "mei", "olga", "tariq" };

	private static final String[] LAST = { "okafor", "moreau", "raman", "tanaka", "lindqvist", "garcia", "wei", "zahra",
			"bennett", "novak", "kim", "mwangi", "fischer", "rahman", "kowalski", "adeyemi", "rossi", "patel", "silva",
			"berg", "sato", "hassan", "dubois", "nowak", "schmidt", "asante", "ivanova", "oconnor", "ahmed", "clarke",
			"cohen", "mehta", "johansson", "wagner", "mensah", "costa", "herrera", "zhang", "petrova", "aziz" };

	private static final byte[][] FIRST_BYTES = ascii(FIRST, false);

	private static final byte[][] FIRST_CAPITALISED = ascii(FIRST, true);

	private static final byte[][] LAST_BYTES = ascii(LAST, false);

	private static final byte[][] LAST_CAPITALISED = ascii(LAST, true);

	private static final int EMAIL_DOMAINS = 50;

	private static final String[] NAME_STEMS = { "Northwind", "Contoso", "Fabrikam", "Tailspin", "Wingtip",
			"Adventure Works", "Litware", "Proseware", "Woodgrove", "Alpine", "Margie's", "Coho", "Relecloud",
			"Lucerne", "Trey", "Blue Yonder", "Humongous", "Graphic Design Institute", "Datum", "Münchner",
			"Søndergaard", "Café Olé" };

	private static final String[] NAME_KINDS = { "Traders", "Data", "Analytics", "Toys", "Labs", "Finance", "Travel",
			"Winery", "Research", "Publishing", "Airlines", "Insurance", "Health", "Logistics", "Energy" };

	private static final String[] NAME_SUFFIXES = { "", "", "", "", ", Inc.", ", Ltd.", " GmbH", " \"EU\"", " (Sandbox)",
			" AG, Zürich" };

	private static final byte[] ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		.getBytes(StandardCharsets.US_ASCII);

	/** The length of a legacy secret after its {@code ak_} prefix. */
	static final int SECRET_LENGTH = 40;

	private static final long DAY = 86_400L;

	/** 2024-01-01T00:00:00Z. */
	private static final long FIRST_KEY_CREATED = 1_704_067_200L;

	/** 2026-06-30T00:00:00Z: keys are created before, and used at most 180 days after, so before 2027. */
	private static final long LAST_KEY_CREATED = 1_782_777_600L;

	private static final long MAX_USE_AFTER_CREATION = 180 * DAY;

	private static final long ACCOUNT_ID_BASE = 100_000L;

	private static final long KEY_ID_BASE = 7_000_000L;

	private static final int MAX_ACCOUNTS_PER_USER = 3;

	private static final int MAX_GRANTS_PER_ACCOUNT = 5;

	/**
	 * Writes the four files of an export into {@code outDir} (created if missing; existing files are
	 * replaced).
	 *
	 * @param options how many users, and the seed
	 * @param outDir the directory to write to
	 * @return the numbers of data rows written
	 * @throws UncheckedIOException if a file cannot be written
	 */
	/** The files of an export already in {@code outDir}, which a new one would write over. */
	public static List<String> existingFiles(Path outDir) {
		return Stream.of(ACCOUNTS_FILE, KEYS_FILE, MEMBERSHIPS_FILE, USAGE_FILE)
			.filter(name -> Files.exists(outDir.resolve(name)))
			.toList();
	}

	public GeneratedExport generate(Options options, Path outDir) {
		Objects.requireNonNull(options, "options");
		Objects.requireNonNull(outDir, "outDir");
		try {
			Files.createDirectories(outDir);
			long accountCount = (options.users() + 39) / 40;
			try (CsvOut accounts = CsvOut.create(outDir.resolve(ACCOUNTS_FILE));
					CsvOut keys = CsvOut.create(outDir.resolve(KEYS_FILE));
					CsvOut memberships = CsvOut.create(outDir.resolve(MEMBERSHIPS_FILE));
					CsvOut usage = CsvOut.create(outDir.resolve(USAGE_FILE))) {
				writeAccounts(accounts, accountCount, new SplittableRandom(mix(options.seed() ^ 0x5EED_AC_C0_0417L)));
				return new Users(options, accountCount, keys, memberships, usage).write();
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot write the export to " + outDir, ex);
		}
	}

	private static void writeAccounts(CsvOut out, long count, SplittableRandom random) throws IOException {
		out.row(ACCOUNTS_HEADER);
		for (long n = 1; n <= count; n++) {
			int planRoll = random.nextInt(100);
			int stateRoll = random.nextInt(100);
			String name = NAME_STEMS[random.nextInt(NAME_STEMS.length)] + " "
					+ NAME_KINDS[random.nextInt(NAME_KINDS.length)] + " " + n
					+ NAME_SUFFIXES[random.nextInt(NAME_SUFFIXES.length)];
			// the first accounts pin every plan and state, so even a small export has them all
			String plan = n <= PLANS.length ? PLANS[(int) n - 1]
					: PLANS[planRoll < 8 ? 0 : planRoll < 55 ? 1 : planRoll < 90 ? 2 : 3];
			String state = n == 5 ? "locked" : n == 6 ? "deleted" : n <= PLANS.length ? "active"
					: STATES[stateRoll < 90 ? 0 : stateRoll < 96 ? 1 : 2];
			out.number(accountId(n)).text(name).text(plan).text(state).endRow();
		}
	}

	static long accountId(long n) {
		return ACCOUNT_ID_BASE + n;
	}

	/** The users' files, written user by user. */
	private static final class Users {

		private final long users;

		private final long seed;

		private final long accountCount;

		private final CsvOut keys;

		private final CsvOut memberships;

		private final CsvOut usage;

		private final SplittableRandom random;

		private final long[] accounts = new long[MAX_ACCOUNTS_PER_USER];

		private final int[] sets = new int[MAX_GRANTS_PER_ACCOUNT];

		private final long[] projects = new long[MAX_GRANTS_PER_ACCOUNT];

		private final byte[] secret = new byte[3 + SECRET_LENGTH];

		private long keyRows;

		private long membershipRows;

		private long usageRows;

		private long nextKeyId = KEY_ID_BASE;

		Users(Options options, long accountCount, CsvOut keys, CsvOut memberships, CsvOut usage) {
			this.users = options.users();
			this.seed = options.seed();
			this.accountCount = accountCount;
			this.keys = keys;
			this.memberships = memberships;
			this.usage = usage;
			this.random = new SplittableRandom(mix(options.seed() ^ 0x0_05E4_5EEDL));
			this.secret[0] = 'a';
			this.secret[1] = 'k';
			this.secret[2] = '_';
		}

		GeneratedExport write() throws IOException {
			this.keys.row(KEYS_HEADER);
			this.memberships.row(MEMBERSHIPS_HEADER);
			this.usage.row(USAGE_HEADER);
			SplittableRandom r = this.random;
			long lastKeyHolder = 0;
			for (long user = 1; user <= this.users; user++) {
				int keyRoll = r.nextInt(1000);
				int keyCount = keyRoll < 100 ? 0 : keyRoll == 999 ? 2 : 1;
				boolean noMemberships = keyCount > 0 && r.nextInt(1000) < 5;
				int memberOf = noMemberships ? 0 : chooseAccounts(user, r);
				if (keyCount > 0) {
					long emailOf = user;
					boolean otherCase = false;
					if (lastKeyHolder > 0 && r.nextInt(2000) == 0) {
						emailOf = lastKeyHolder;
						otherCase = true;
					}
					for (int k = 0; k < keyCount; k++) {
						writeKey(user, emailOf, otherCase, memberOf, r);
					}
					lastKeyHolder = user;
				}
				writeMemberships(user, memberOf, r);
			}
			return new GeneratedExport(this.accountCount, this.keyRows, this.membershipRows, this.usageRows);
		}

		/** Fills {@link #accounts} with the user's accounts, sorted; returns how many. */
		private int chooseAccounts(long user, SplittableRandom r) {
			if (this.accountCount == 0) {
				return 0;
			}
			int roll = r.nextInt(1000);
			int count = (int) Math.min(this.accountCount, roll < 550 ? 1 : roll < 850 ? 2 : 3);
			long home = 1 + (user - 1) / 40 % this.accountCount;
			long[] chosen = this.accounts;
			for (int i = 0; i < count; i++) {
				long n;
				do {
					n = i == 0 ? home : 1 + r.nextLong(this.accountCount);
				}
				while (contains(chosen, i, n));
				chosen[i] = n;
			}
			for (int i = 0; i < count; i++) {
				// about 0.2% of pairs (so of rows) name an account that accounts.csv does not have
				chosen[i] = r.nextInt(1000) < 2 ? accountId(this.accountCount + chosen[i]) : accountId(chosen[i]);
			}
			for (int i = 1; i < count; i++) {
				for (int j = i; j > 0 && chosen[j - 1] > chosen[j]; j--) {
					long t = chosen[j];
					chosen[j] = chosen[j - 1];
					chosen[j - 1] = t;
				}
			}
			return count;
		}

		private void writeKey(long user, long emailOf, boolean otherCase, int memberOf, SplittableRandom r)
				throws IOException {
			long keyId = ++this.nextKeyId;
			for (int i = 3; i < this.secret.length; i++) {
				this.secret[i] = ALPHANUMERIC[r.nextInt(ALPHANUMERIC.length)];
			}
			long created = FIRST_KEY_CREATED + r.nextLong(LAST_KEY_CREATED - FIRST_KEY_CREATED);
			boolean used = r.nextInt(100) >= 12;
			long lastUsed = created + 60 + r.nextLong(MAX_USE_AFTER_CREATION);
			CsvOut out = this.keys;
			out.number(keyId).number(user);
			int h = (int) (mix(emailOf ^ this.seed) >>> 33);
			int first = h % FIRST.length;
			int last = h / FIRST.length % LAST.length;
			out.field()
				.raw(otherCase ? FIRST_CAPITALISED[first] : FIRST_BYTES[first])
				.raw('.')
				.raw(otherCase ? LAST_CAPITALISED[last] : LAST_BYTES[last])
				.raw('+')
				.raw(emailOf)
				.raw(otherCase ? "@Example" : "@example")
				.raw(emailOf % EMAIL_DOMAINS)
				.raw(".com");
			out.field().raw(this.secret);
			out.timestamp(created);
			if (used) {
				out.timestamp(lastUsed);
			}
			else {
				out.empty();
			}
			out.endRow();
			this.keyRows++;
			// about one usage row per three keys: 2 in 7 of the used keys get one or two rows
			if (used && r.nextInt(7) < 2) {
				int calls = r.nextInt(3) == 0 ? 2 : 1;
				for (int c = 0; c < calls; c++) {
					writeUsage(keyId, created, lastUsed, memberOf, r);
				}
			}
		}

		private void writeUsage(long keyId, long created, long lastUsed, int memberOf, SplittableRandom r)
				throws IOException {
			String[] endpoint = ENDPOINTS[r.nextInt(ENDPOINTS.length)];
			long account = memberOf > 0 ? this.accounts[r.nextInt(memberOf)]
					: accountId(1 + r.nextLong(Math.max(1, this.accountCount)));
			String client = CLIENTS[r.nextInt(CLIENTS.length)];
			long calledAt = lastUsed - r.nextLong(Math.min(lastUsed - created, 30 * DAY) + 1);
			long calls = 1 + r.nextInt(1 + r.nextInt(5000));
			CsvOut out = this.usage;
			out.number(keyId);
			out.field().raw(endpoint[0]);
			if (endpoint.length > 1) {
				out.raw(account).raw(endpoint[1]);
			}
			out.text(client).timestamp(calledAt).number(calls).endRow();
			this.usageRows++;
		}

		private void writeMemberships(long user, int memberOf, SplittableRandom r) throws IOException {
			// about 0.1% of users name two licenses in one of their accounts
			int conflictAt = r.nextInt(1000) == 0 ? r.nextInt(Math.max(1, memberOf)) : -1;
			for (int a = 0; a < memberOf; a++) {
				long account = this.accounts[a];
				int licenseRoll = r.nextInt(100);
				int license = licenseRoll < 70 ? 0 : licenseRoll < 82 ? 1 : licenseRoll < 90 ? 2 : 3;
				int[] table = license == 0 ? DEVELOPER_TABLE : OTHER_TABLE;
				int grantRoll = r.nextInt(1000);
				int grants = grantRoll < 300 ? 2 : grantRoll < 650 ? 3 : grantRoll < 925 ? 4 : 5;
				int projectCount = 3 + (int) ((mix(account ^ this.seed) >>> 1) % 18);
				for (int g = 0; g < grants; g++) {
					int set;
					long project;
					do {
						set = table[r.nextInt(table.length)];
						project = ACCOUNT_WIDE[set] || r.nextInt(100) < 45 ? 0
								: account * 100 + 1 + r.nextInt(projectCount);
					}
					while (containsGrant(g, set, project));
					this.sets[g] = set;
					this.projects[g] = project;
					int rowLicense = a == conflictAt && g == grants - 1 ? (license + 1 + r.nextInt(3)) % 4 : license;
					CsvOut out = this.memberships;
					out.number(user).number(account).text(LICENSES[rowLicense]).text(PERMISSION_SETS[set]);
					if (project == 0) {
						out.empty();
					}
					else {
						out.number(project);
					}
					out.endRow();
					this.membershipRows++;
				}
			}
		}

		private boolean containsGrant(int count, int set, long project) {
			for (int i = 0; i < count; i++) {
				if (this.sets[i] == set && this.projects[i] == project) {
					return true;
				}
			}
			return false;
		}

		private static boolean contains(long[] values, int count, long value) {
			for (int i = 0; i < count; i++) {
				if (values[i] == value) {
					return true;
				}
			}
			return false;
		}
	}

	/** A 64-bit mixer (Stafford variant 13, as in {@code SplittableRandom}). */
	static long mix(long z) {
		z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
		z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
		return z ^ (z >>> 31);
	}

	private static int[] table(int[] weights) {
		int total = 0;
		for (int w : weights) {
			total += w;
		}
		int[] table = new int[total];
		int i = 0;
		for (int set = 0; set < weights.length; set++) {
			for (int w = 0; w < weights[set]; w++) {
				table[i++] = set;
			}
		}
		return table;
	}

	private static int indexOf(String[] values, String value) {
		for (int i = 0; i < values.length; i++) {
			if (values[i].equals(value)) {
				return i;
			}
		}
		throw new IllegalArgumentException(value);
	}

	private static byte[][] ascii(String[] names, boolean capitalised) {
		byte[][] out = new byte[names.length][];
		for (int i = 0; i < names.length; i++) {
			String name = capitalised ? Character.toUpperCase(names[i].charAt(0)) + names[i].substring(1) : names[i];
			out[i] = name.getBytes(StandardCharsets.US_ASCII);
		}
		return out;
	}
}
