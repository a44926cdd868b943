package io.keyshift.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.opencsv.CSVReader;
import com.opencsv.CSVReaderBuilder;
import com.opencsv.RFC4180ParserBuilder;
import com.opencsv.exceptions.CsvException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportGeneratorTests {

	private static final long USERS = 20_000;

	private static final List<String> FILES = List.of("accounts.csv", "legacy_api_keys.csv", "account_memberships.csv",
			"api_key_usage.csv");

	@TempDir
	static Path shared;

	private static GeneratedFiles export;

	@TempDir
	Path dir;

	@BeforeAll
	static void generateOnce() throws IOException {
		export = GeneratedFiles.of(new ExportGenerator().generate(new ExportGenerator.Options(USERS, 42), shared),
				shared);
	}

	@Test
	void sameSeedGivesByteIdenticalFiles() throws IOException {
		Path first = this.dir.resolve("first");
		Path second = this.dir.resolve("second");
		new ExportGenerator().generate(new ExportGenerator.Options(3_000, 7), first);
		new ExportGenerator().generate(new ExportGenerator.Options(3_000, 7), second);

		for (String file : FILES) {
			assertThat(Files.size(first.resolve(file))).as(file).isGreaterThan(100);
			assertThat(Files.mismatch(first.resolve(file), second.resolve(file))).as(file).isEqualTo(-1L);
		}
	}

	@Test
	void anotherSeedGivesDifferentFiles() throws IOException {
		Path first = this.dir.resolve("first");
		Path second = this.dir.resolve("second");
		new ExportGenerator().generate(new ExportGenerator.Options(3_000, 7), first);
		new ExportGenerator().generate(new ExportGenerator.Options(3_000, 8), second);

		for (String file : FILES) {
			assertThat(Files.mismatch(first.resolve(file), second.resolve(file))).as(file).isNotEqualTo(-1L);
		}
	}

	@Test
	void headersAreExactlyThoseOfTheSpec() throws IOException {
		assertThat(firstLine("accounts.csv")).isEqualTo("account_id,account_name,plan,state");
		assertThat(firstLine("legacy_api_keys.csv"))
			.isEqualTo("key_id,user_id,email,api_key,created_at,last_used_at");
		assertThat(firstLine("account_memberships.csv"))
			.isEqualTo("user_id,account_id,license_type,permission_set,project_id");
		assertThat(firstLine("api_key_usage.csv")).isEqualTo("key_id,endpoint,client,last_called_at,calls");
	}

	@Test
	void everyRowParsesBackWithTheHeadersColumnCount() {
		for (String file : FILES) {
			List<String[]> rows = export.rows(file);
			int width = export.header(file).length;
			assertThat(rows).as(file).isNotEmpty().allSatisfy((row) -> assertThat(row).hasSize(width));
		}
	}

	@Test
	void linesEndInCrlfAndNamesWithCommasAndQuotesRoundTrip() throws IOException {
		String raw = Files.readString(shared.resolve("accounts.csv"), StandardCharsets.UTF_8);
		assertThat(raw.split("\r\n", -1)).hasSize((int) export.counts().accounts() + 2);
		List<String> names = export.column("accounts.csv", "account_name");
		assertThat(names).anyMatch((name) -> name.contains(", ")).anyMatch((name) -> name.contains("\"EU\""))
			.anyMatch((name) -> name.contains("ü"));
	}

	@Test
	void returnedCountsAreTheDataRowsWritten() {
		ExportGenerator.GeneratedExport counts = export.counts();
		assertThat(export.rows("accounts.csv")).hasSize((int) counts.accounts());
		assertThat(export.rows("legacy_api_keys.csv")).hasSize((int) counts.legacyKeys());
		assertThat(export.rows("account_memberships.csv")).hasSize((int) counts.membershipRows());
		assertThat(export.rows("api_key_usage.csv")).hasSize((int) counts.usageRows());
	}

	@Test
	void proportionsAreThoseTheProductOwnerAskedFor() {
		double keysPerUser = (double) export.rows("legacy_api_keys.csv").size() / USERS;
		Set<String> pairs = new HashSet<>();
		for (String[] row : export.rows("account_memberships.csv")) {
			pairs.add(row[0] + "/" + row[1]);
		}
		double accountsPerUser = (double) pairs.size() / USERS;
		double rowsPerUser = (double) export.rows("account_memberships.csv").size() / USERS;
		double usersPerAccount = (double) USERS / export.rows("accounts.csv").size();
		double usagePerKey = (double) export.rows("api_key_usage.csv").size() / export.rows("legacy_api_keys.csv").size();

		assertThat(keysPerUser).isBetween(0.88, 0.92);
		assertThat(accountsPerUser).isBetween(1.55, 1.65);
		assertThat(rowsPerUser).isBetween(4.8, 5.2);
		assertThat(usersPerAccount).isBetween(39.0, 41.0);
		assertThat(usagePerKey).isBetween(0.28, 0.38);
	}

	@Test
	void mostAccountsAreActiveTeamOrEnterpriseAndMostLicensesDeveloper() {
		Map<String, Long> plans = counts(export.column("accounts.csv", "plan"));
		Map<String, Long> states = counts(export.column("accounts.csv", "state"));
		Map<String, Long> licenses = counts(export.column("account_memberships.csv", "license_type"));
		long accounts = export.counts().accounts();

		assertThat(plans.get("team") + plans.get("enterprise")).isGreaterThan(accounts * 7 / 10);
		assertThat(states.get("active")).isGreaterThan(accounts * 8 / 10);
		assertThat((double) licenses.get("developer") / export.counts().membershipRows()).isBetween(0.65, 0.75);
	}

	@Test
	void everyPlanStateLicenseAndPermissionSetOccurs() {
		assertThat(new TreeSet<>(export.column("accounts.csv", "plan")))
			.containsExactlyInAnyOrder("developer", "team", "enterprise", "enterprise_plus");
		assertThat(new TreeSet<>(export.column("accounts.csv", "state")))
			.containsExactlyInAnyOrder("active", "locked", "deleted");
		assertThat(new TreeSet<>(export.column("account_memberships.csv", "license_type")))
			.containsExactlyInAnyOrder("developer", "read_only", "it", "analyst");
		assertThat(new TreeSet<>(export.column("account_memberships.csv", "permission_set")))
			.containsExactlyInAnyOrder("owner", "member", "account_admin", "security_admin", "billing_admin", "admin",
					"database_admin", "git_admin", "team_admin", "job_admin", "job_runner", "job_viewer", "analyst",
					"developer", "stakeholder", "readonly", "project_creator", "account_viewer", "metadata_only",
					"semantic_layer_only", "webhooks_only", "fusion_admin", "cost_management_viewer",
					"cost_management_admin", "manage_marketplace_apps");
	}

	@Test
	void aSmallExportStillHasEveryPlanAndState(@TempDir Path small) {
		new ExportGenerator().generate(new ExportGenerator.Options(240, 3), small);
		GeneratedFiles files = GeneratedFiles.of(null, small);

		assertThat(new HashSet<>(files.column("accounts.csv", "plan"))).hasSize(4);
		assertThat(new HashSet<>(files.column("accounts.csv", "state"))).hasSize(3);
	}

	@Test
	void everyIdAndCountIsPositive() {
		assertPositive("accounts.csv", "account_id");
		assertPositive("legacy_api_keys.csv", "key_id");
		assertPositive("legacy_api_keys.csv", "user_id");
		assertPositive("account_memberships.csv", "user_id");
		assertPositive("account_memberships.csv", "account_id");
		assertPositive("api_key_usage.csv", "key_id");
		assertPositive("api_key_usage.csv", "calls");
		assertThat(export.column("account_memberships.csv", "project_id")).filteredOn((p) -> !p.isEmpty())
			.isNotEmpty()
			.allSatisfy((p) -> assertThat(Long.parseLong(p)).isPositive());
	}

	@Test
	void grantsMixAllProjectsAndProjectsOfTheirOwnAccountWithoutExactRepeats() {
		List<String[]> rows = export.rows("account_memberships.csv");
		long allProjects = rows.stream().filter((row) -> row[4].isEmpty()).count();
		assertThat((double) allProjects / rows.size()).isBetween(0.3, 0.8);
		assertThat(rows).filteredOn((row) -> !row[4].isEmpty())
			.allSatisfy((row) -> assertThat(Long.parseLong(row[4]) / 100).isEqualTo(Long.parseLong(row[1])));
		Set<String> distinct = rows.stream().map((row) -> String.join(",", row)).collect(Collectors.toSet());
		assertThat(distinct).hasSize(rows.size());
	}

	@Test
	void rowsAreOrderedByUserAndMembershipsThenByAccount() {
		assertAscending(export.rows("legacy_api_keys.csv"), (row) -> new long[] { Long.parseLong(row[1]),
				Long.parseLong(row[0]) });
		assertAscending(export.rows("account_memberships.csv"), (row) -> new long[] { Long.parseLong(row[0]),
				Long.parseLong(row[1]) });
		assertAscending(export.rows("api_key_usage.csv"), (row) -> new long[] { Long.parseLong(row[0]) });
		assertAscending(export.rows("accounts.csv"), (row) -> new long[] { Long.parseLong(row[0]) });
	}

	@Test
	void legacyKeysLookReal() {
		List<String[]> keys = export.rows("legacy_api_keys.csv");
		assertThat(keys).allSatisfy((row) -> {
			assertThat(row[2]).matches("[A-Za-z]+\\.[A-Za-z]+\\+[0-9]+@[Ee]xample[0-9]+\\.com");
			assertThat(row[3]).matches("ak_[A-Za-z0-9]{40}");
		});
		assertThat(keys.stream().map((row) -> row[3]).distinct().count()).isEqualTo(keys.size());
		assertThat(keys.stream().map((row) -> row[0]).distinct().count()).isEqualTo(keys.size());
		assertThat(keys).filteredOn((row) -> row[5].isEmpty()).isNotEmpty();
	}

	@Test
	void timestampsAreUtcBetween2024And2026AndUseFollowsCreation() {
		for (String[] row : export.rows("legacy_api_keys.csv")) {
			OffsetDateTime created = utc2024To2026(row[4]);
			if (!row[5].isEmpty()) {
				assertThat(utc2024To2026(row[5])).isAfter(created);
			}
		}
		assertThat(export.column("api_key_usage.csv", "last_called_at")).allSatisfy(this::utc2024To2026);
	}

	@Test
	void usageNamesKnownEndpointsAndClients() {
		assertThat(new TreeSet<>(export.column("api_key_usage.csv", "client"))).containsExactlyInAnyOrder(
				"terraform-provider-dbtcloud/0.3.21", "apache-airflow-providers-dbt-cloud/3.11.0",
				"python-requests/2.31.0", "curl/8.5.0", "dbt-cloud-cli/0.38.0", "Mozilla/5.0");
		List<String> endpoints = export.column("api_key_usage.csv", "endpoint");
		assertThat(endpoints).contains("/api/v2/accounts/", "/api/v3/accounts/")
			.anyMatch((e) -> e.matches("/api/v2/accounts/[0-9]+/runs/"))
			.anyMatch((e) -> e.matches("/api/v2/accounts/[0-9]+/jobs/"));
		Set<String> keyIds = new HashSet<>(export.column("legacy_api_keys.csv", "key_id"));
		assertThat(export.column("api_key_usage.csv", "key_id")).allMatch(keyIds::contains);
	}

	@Test
	void theDataProblemsTheRulesCatchOccurRarely() {
		List<String[]> keys = export.rows("legacy_api_keys.csv");
		List<String[]> memberships = export.rows("account_memberships.csv");
		Set<String> knownAccounts = new HashSet<>(export.column("accounts.csv", "account_id"));

		Map<String, Long> keysPerUser = counts(keys.stream().map((row) -> row[1]).toList());
		long twoKeys = keysPerUser.values().stream().filter((n) -> n > 1).count();

		Map<String, Set<String>> usersPerEmail = new HashMap<>();
		for (String[] row : keys) {
			usersPerEmail.computeIfAbsent(row[2].toLowerCase(), (e) -> new HashSet<>()).add(row[1]);
		}
		long sharingEmail = usersPerEmail.values().stream().filter((u) -> u.size() > 1).mapToLong(Set::size).sum();
		boolean caseDiffers = keys.stream().anyMatch((row) -> !row[2].equals(row[2].toLowerCase()));

		Map<String, Set<String>> licensesPerPair = new HashMap<>();
		for (String[] row : memberships) {
			licensesPerPair.computeIfAbsent(row[0] + "/" + row[1], (p) -> new HashSet<>()).add(row[2]);
		}
		long conflicts = licensesPerPair.values().stream().filter((l) -> l.size() > 1).count();

		Set<String> members = memberships.stream().map((row) -> row[0]).collect(Collectors.toSet());
		long keyHoldersWithoutMemberships = keysPerUser.keySet().stream().filter((u) -> !members.contains(u)).count();
		long unknownAccountRows = memberships.stream().filter((row) -> !knownAccounts.contains(row[1])).count();

		assertThat(twoKeys).isBetween(5L, 60L); // ~0.1% of 20,000
		assertThat(sharingEmail).isBetween(5L, 60L);
		assertThat(caseDiffers).isTrue();
		assertThat(conflicts).isBetween(5L, 60L);
		assertThat(keyHoldersWithoutMemberships).isBetween(50L, 150L); // ~0.5% of 18,000
		assertThat((double) unknownAccountRows / memberships.size()).isBetween(0.001, 0.003);
		long outOfScope = USERS - keysPerUser.size();
		assertThat(outOfScope).isBetween(1_800L, 2_200L);
	}

	@Test
	void noUsersGivesHeadersOnly(@TempDir Path empty) throws IOException {
		ExportGenerator.GeneratedExport counts = new ExportGenerator().generate(new ExportGenerator.Options(0, 1),
				empty);

		assertThat(counts).isEqualTo(new ExportGenerator.GeneratedExport(0, 0, 0, 0));
		for (String file : FILES) {
			assertThat(Files.readAllLines(empty.resolve(file))).as(file).hasSize(1);
		}
	}

	@Test
	void negativeUsersAreRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ExportGenerator.Options(-1, 1))
			.withMessageContaining("users");
	}

	private static String firstLine(String file) throws IOException {
		String raw = Files.readString(shared.resolve(file), StandardCharsets.UTF_8);
		return raw.substring(0, raw.indexOf("\r\n"));
	}

	private static void assertPositive(String file, String column) {
		assertThat(export.column(file, column)).as(file + " " + column)
			.isNotEmpty()
			.allSatisfy((v) -> assertThat(Long.parseLong(v)).isPositive());
	}

	private OffsetDateTime utc2024To2026(String value) {
		OffsetDateTime t = OffsetDateTime.parse(value);
		assertThat(value).endsWith("Z");
		assertThat(t.getOffset()).isEqualTo(ZoneOffset.UTC);
		assertThat(t.getYear()).isBetween(2024, 2026);
		return t;
	}

	private static void assertAscending(List<String[]> rows, Function<String[], long[]> key) {
		long[] previous = null;
		for (String[] row : rows) {
			long[] current = key.apply(row);
			if (previous != null) {
				assertThat(Arrays.compare(previous, current)).as(String.join(",", row)).isLessThanOrEqualTo(0);
			}
			previous = current;
		}
	}

	private static Map<String, Long> counts(List<String> values) {
		return values.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
	}

	/** The four files read back with a strict RFC 4180 parser. */
	private record GeneratedFiles(ExportGenerator.GeneratedExport counts, Map<String, String[]> headers,
			Map<String, List<String[]>> data) {

		static GeneratedFiles of(ExportGenerator.GeneratedExport counts, Path dir) {
			Map<String, String[]> headers = new HashMap<>();
			Map<String, List<String[]>> data = new HashMap<>();
			for (String file : FILES) {
				try (Reader reader = Files.newBufferedReader(dir.resolve(file), StandardCharsets.UTF_8);
						CSVReader csv = new CSVReaderBuilder(reader)
							.withCSVParser(new RFC4180ParserBuilder().build())
							.build()) {
					List<String[]> rows = new ArrayList<>(csv.readAll());
					headers.put(file, rows.remove(0));
					data.put(file, rows);
				}
				catch (IOException | CsvException ex) {
					throw new IllegalStateException("cannot read " + file, ex);
				}
			}
			return new GeneratedFiles(counts, headers, data);
		}

		String[] header(String file) {
			return this.headers.get(file);
		}

		List<String[]> rows(String file) {
			return this.data.get(file);
		}

		List<String> column(String file, String column) {
			int index = Arrays.asList(header(file)).indexOf(column);
			assertThat(index).as(column).isNotNegative();
			return rows(file).stream().map((row) -> row[index]).toList();
		}
	}
}
