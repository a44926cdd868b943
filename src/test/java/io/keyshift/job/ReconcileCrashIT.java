package io.keyshift.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import io.keyshift.generate.ExportGenerator;
import io.keyshift.support.ChildRun;
import io.keyshift.support.TestDatabase;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reconciling run (SPEC §3.2) killed for real: a first run on a generated export completes, then a
 * second export that lost every 20th membership row (grants shrunk) and has every 7th account locked is
 * run in a child JVM killed with SIGKILL at about 30% and 60%, and the same command completes. The
 * tokens, their statuses and permissions, and the events equal those of an uninterrupted second run:
 * no event twice, none missing. On H2 and PostgreSQL.
 */
@Tag("slow")
class ReconcileCrashIT {

	private static final Duration STEP = Duration.ofSeconds(300);

	@TempDir
	Path tmp;

	private Path first;

	private Path later;

	private Path key;

	private final List<TestDatabase> databases = new ArrayList<>();

	@BeforeEach
	void exports() throws IOException {
		first = tmp.resolve("first");
		new ExportGenerator().generate(new ExportGenerator.Options(6_000, 11), first);
		later = tmp.resolve("later");
		Files.createDirectories(later);
		try (var files = Files.list(first)) {
			for (Path file : files.toList()) {
				Files.copy(file, later.resolve(file.getFileName()));
			}
		}
		List<String> rows = Files.readAllLines(first.resolve("account_memberships.csv"));
		List<String> kept = new ArrayList<>();
		for (int i = 0; i < rows.size(); i++) {
			if (i == 0 || i % 20 != 0) {
				kept.add(rows.get(i));
			}
		}
		Files.write(later.resolve("account_memberships.csv"), kept);
		// and every 7th account locked: its tokens are revoked
		List<String> accounts = new ArrayList<>(Files.readAllLines(first.resolve("accounts.csv")));
		for (int i = 7; i < accounts.size(); i += 7) {
			accounts.set(i, accounts.get(i).replaceFirst(",active$", ",locked"));
		}
		Files.write(later.resolve("accounts.csv"), accounts);
		byte[] raw = new byte[32];
		new SecureRandom().nextBytes(raw);
		key = tmp.resolve("delivery.key");
		Files.writeString(key, Base64.getEncoder().encodeToString(raw));
	}

	@AfterEach
	void drop() {
		databases.forEach(TestDatabase::close);
	}

	private TestDatabase database(TestDatabase.Kind kind, String name) throws IOException {
		TestDatabase db = TestDatabase.create(kind, Files.createDirectories(tmp.resolve(name)));
		databases.add(db);
		return db;
	}

	private ChildRun start(TestDatabase db, Path input) throws IOException {
		List<String> args = new ArrayList<>(List.of("migrate", "--input", input.toString(), "--delivery-key-file",
				key.toString(), "--report-dir", tmp.resolve("report-" + db.kind() + "-" + databases.indexOf(db) + "-" + input.getFileName()).toString(),
				"--max-revocations", "1000000", "--keyshift.chunk-size=50", "--keyshift.progress-interval=50ms"));
		args.addAll(db.springArgs());
		return ChildRun.start(tmp, args);
	}

	private void completes(TestDatabase db, Path input) throws Exception {
		ChildRun run = start(db, input);
		assertThat(run.exitCode(STEP)).as(run.output()).isZero();
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aReconcilingRunKilledTwiceEndsEqualToAnUninterruptedOne(TestDatabase.Kind kind) throws Exception {
		TestDatabase reference = database(kind, "reference");
		completes(reference, first);
		completes(reference, later);

		TestDatabase db = database(kind, "crashed");
		completes(db, first);
		ChildRun one = start(db, later);
		assertThat(one.awaitProgress(0.3, STEP)).as(one.output()).isTrue();
		one.kill();
		ChildRun two = start(db, later);
		assertThat(two.awaitProgress(0.6, STEP)).as(two.output()).isTrue();
		two.kill();
		ChildRun three = start(db, later);
		assertThat(three.exitCode(STEP)).as(three.output()).isZero();
		assertThat(three.output()).contains("resuming run");

		JdbcTemplate expected = reference.jdbc();
		JdbcTemplate actual = db.jdbc();
		// the drift did change tokens: the comparison below is not between two untouched databases
		assertThat(actual.queryForObject("select count(*) from token_event where event = 'REVOKED'", Long.class))
			.isPositive();
		assertThat(actual.queryForObject("select count(*) from token_event where event = 'PERMISSIONS_CHANGED'",
				Long.class))
			.isPositive();
		for (String sql : List.of(TOKENS, EVENTS, DECISIONS)) {
			assertThat(actual.queryForList(sql, String.class)).as(sql)
				.isEqualTo(expected.queryForList(sql, String.class));
		}
		assertThat(actual.queryForList(EVENTS, String.class)).doesNotHaveDuplicates();
	}

	/** Every PAT by owner and account, with its status, reason and permissions. */
	private static final String TOKENS = """
			select t.user_id || '/' || t.account_id || ' ' || t.status || ' ' || coalesce(t.revoke_reason, '-') || ' '
			       || coalesce(p.permission_set || '@' || coalesce(cast(p.project_id as varchar(20)), 'all'), '-')
			from personal_access_token t left join personal_access_token_permission p on p.token_id = t.id
			order by t.user_id, t.account_id, t.created_at, p.permission_set, p.project_id""";

	/** Every event by its token's owner and account (ids and times differ between two databases). */
	private static final String EVENTS = """
			select t.user_id || '/' || t.account_id || ' ' || e.event || ' ' || e.run_id || ' ' || coalesce(e.reason, '-')
			       || ' ' || coalesce(e.permissions_before, '-') || ' ' || coalesce(e.permissions_after, '-')
			from token_event e join personal_access_token t on t.id = e.token_id
			order by t.user_id, t.account_id, e.run_id, e.event""";

	private static final String DECISIONS = """
			select run_id || ':' || user_id || ':' || seq || ':' || coalesce(cast(account_id as varchar(20)), '') || ':'
			       || outcome || ':' || coalesce(reason, '') || ':' || coalesce(permissions, '') || ':'
			       || coalesce(previous_permissions, '')
			from migration_decision order by run_id, user_id, seq""";
}
