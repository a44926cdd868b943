package io.keyshift.job;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
 * The built jar in child JVMs, killed for real: SIGKILL at about 20% and 50% of the migrate step,
 * SIGTERM at about 80%, then the same command completes, and the database equals that of an
 * uninterrupted run of the same export. On H2 and PostgreSQL.
 */
@Tag("slow")
class CrashRestartIT {

	/** Generous: on a busy 2-core machine a child JVM can take minutes for what takes seconds alone. */
	private static final Duration STEP = Duration.ofSeconds(300);

	@TempDir
	Path tmp;

	private Path export;

	private Path key;

	private final List<TestDatabase> databases = new ArrayList<>();

	@BeforeEach
	void export() throws IOException {
		export = tmp.resolve("export");
		new ExportGenerator().generate(new ExportGenerator.Options(12_000, 7), export);
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
		Path folder = Files.createDirectories(tmp.resolve(name));
		TestDatabase db = TestDatabase.create(kind, folder);
		databases.add(db);
		return db;
	}

	private ChildRun start(TestDatabase db) throws IOException {
		List<String> args = new ArrayList<>(List.of("migrate", "--input", export.toString(), "--delivery-key-file",
				key.toString(), "--report-dir", tmp.resolve("report-" + db.kind() + "-" + databases.indexOf(db)).toString(),
				"--keyshift.chunk-size=100", "--keyshift.progress-interval=50ms"));
		args.addAll(db.springArgs());
		return ChildRun.start(tmp, args);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void killedTwiceAndStoppedOnceEndsEqualToAnUninterruptedRun(TestDatabase.Kind kind) throws Exception {
		TestDatabase reference = database(kind, "reference");
		ChildRun straight = start(reference);
		assertThat(straight.exitCode(STEP)).as(straight.output()).isZero();

		TestDatabase db = database(kind, "crashed");
		ChildRun first = start(db);
		assertThat(first.awaitProgress(0.2, STEP)).as(first.output()).isTrue();
		first.kill();

		ChildRun second = start(db);
		assertThat(second.await(l -> l.contains("left running by a process that is gone"), STEP)).as(second.output())
			.isTrue();
		assertThat(second.awaitProgress(0.5, STEP)).as(second.output()).isTrue();
		second.kill();

		ChildRun third = start(db);
		assertThat(third.awaitProgress(0.8, STEP)).as(third.output()).isTrue();
		third.terminate();
		assertThat(third.exitCode(STEP)).as(third.output()).isEqualTo(1);
		assertThat(third.output()).contains("stopped; rerun the same command to resume");

		ChildRun last = start(db);
		assertThat(last.exitCode(STEP)).as(last.output()).isZero();
		assertThat(last.output()).contains("resuming run");

		assertSameOutcome(reference.jdbc(), db.jdbc());
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aSecondLaunchOnTheSameDatabaseRefusesAndNamesTheHolder(TestDatabase.Kind kind) throws Exception {
		TestDatabase db = database(kind, "shared");
		ChildRun holder = start(db);
		assertThat(holder.await(l -> l.contains("load: reading"), STEP)).as(holder.output()).isTrue();
		// frozen, the holder keeps its lock but cannot finish before the second launch gets going
		holder.pause();
		try {
			ChildRun second = start(db);
			assertThat(second.exitCode(STEP)).as(second.output()).isEqualTo(2);
			assertThat(second.output()).contains("another keyshift run holds").contains("pid " + holder.pid());
		}
		finally {
			holder.resume();
		}
		assertThat(holder.exitCode(STEP)).as(holder.output()).isZero();
	}

	/**
	 * Same tokens (by owner, account, key and permissions), same key statuses, one notification each,
	 * same decisions. Also used by {@link BackendTerminationIT}.
	 */
	static void assertSameOutcome(JdbcTemplate expected, JdbcTemplate actual) {
		assertThat(tokens(actual)).isEqualTo(tokens(expected)).isNotEmpty();
		assertThat(actual.queryForList("select key_id || ':' || status from legacy_api_key order by key_id",
				String.class))
			.isEqualTo(expected.queryForList("select key_id || ':' || status from legacy_api_key order by key_id",
					String.class));
		String notifications = "select user_id || ':' || kind from token_notification order by user_id";
		assertThat(actual.queryForList(notifications, String.class))
			.isEqualTo(expected.queryForList(notifications, String.class))
			.doesNotHaveDuplicates();
		String decisions = """
				select user_id || ':' || seq || ':' || coalesce(cast(account_id as varchar(20)), '') || ':' || outcome
				       || ':' || coalesce(reason, '') || ':' || coalesce(permissions, '')
				from migration_decision order by user_id, seq""";
		assertThat(actual.queryForList(decisions, String.class))
			.isEqualTo(expected.queryForList(decisions, String.class));
	}

	private static Map<String, String> tokens(JdbcTemplate jdbc) {
		Map<String, String> tokens = new TreeMap<>();
		jdbc.query("""
				select t.user_id, t.account_id, t.legacy_key_id, p.permission_set, p.project_id
				from personal_access_token t join personal_access_token_permission p on p.token_id = t.id
				order by t.user_id, t.account_id, p.permission_set, p.project_id""", rs -> {
			String pair = rs.getLong(1) + "/" + rs.getLong(2) + "/" + rs.getLong(3);
			String grant = rs.getString(4) + "@" + rs.getString(5);
			tokens.merge(pair, grant, (a, b) -> a + ";" + b);
		});
		return tokens;
	}
}
