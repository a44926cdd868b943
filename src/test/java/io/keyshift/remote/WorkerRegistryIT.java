package io.keyshift.remote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.zaxxer.hikari.HikariDataSource;
import io.keyshift.support.TestDatabase;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Workers' heartbeats and partition claims: a live worker's partition is never taken, a silent or
 * departed worker's is, by one worker only. On H2 and PostgreSQL (the tables are created on both,
 * though only PostgreSQL runs remote workers).
 */
class WorkerRegistryIT {

	@TempDir
	Path tmp;

	private TestDatabase db;

	private HikariDataSource pool;

	@AfterEach
	void drop() {
		if (pool != null) {
			pool.close();
		}
		db.close();
	}

	private WorkerRegistry registry(TestDatabase.Kind kind) {
		db = TestDatabase.create(kind, tmp);
		pool = db.migratedPool(2);
		return new WorkerRegistry(new JdbcTemplate(pool), Duration.ofSeconds(30));
	}

	private void silence(String workerId, int seconds) {
		new JdbcTemplate(pool).update("update keyshift_worker set last_beat = last_beat - interval '" + seconds
				+ "' second where worker_id = ?", workerId);
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void aLiveWorkersPartitionIsNotTakenAGoneWorkersIsByOneWorkerOnly(TestDatabase.Kind kind) {
		WorkerRegistry registry = registry(kind);
		WorkerRegistry.Worker a = new WorkerRegistry.Worker("host-a-1-aa", "host-a", 1);
		WorkerRegistry.Worker b = new WorkerRegistry.Worker("host-b-2-bb", "host-b", 2);
		WorkerRegistry.Worker c = new WorkerRegistry.Worker("host-c-3-cc", "host-c", 3);
		registry.join(a);
		registry.join(b);
		registry.join(c);
		assertThat(registry.liveWorkers()).isEqualTo(3);

		assertThat(registry.claim(7, a.id())).isTrue();
		assertThat(registry.claim(7, a.id())).as("its own claim again (a redelivery to the same worker)").isTrue();
		assertThat(registry.claim(7, b.id())).as("a live worker's partition").isFalse();
		assertThat(registry.orphans(List.of(7L))).isEmpty();
		assertThat(registry.holds(7, a.id())).isTrue();

		silence(a.id(), 31);
		assertThat(registry.liveWorkers()).isEqualTo(2);
		assertThat(registry.orphans(List.of(7L, 8L))).containsExactly(new WorkerRegistry.Orphan(7, a));
		assertThat(registry.claim(7, b.id())).as("taken over from a silent worker").isTrue();
		assertThat(registry.claim(7, c.id())).as("b is alive: c cannot take it too").isFalse();
		assertThat(registry.holds(7, a.id())).isFalse();
		assertThat(registry.holds(7, b.id())).isTrue();
		assertThat(registry.beat(a.id())).as("a's row is still there: it beats again").isTrue();
		assertThat(registry.claim(7, a.id())).as("once back, a does not get its partition back").isFalse();

		registry.leave(b.id());
		assertThat(registry.beat(b.id())).isFalse();
		WorkerRegistry.Orphan left = new WorkerRegistry.Orphan(7, new WorkerRegistry.Worker(b.id(), "?", 0));
		assertThat(registry.orphans(List.of(7L))).containsExactly(left);
		assertThat(registry.release(left)).isTrue();
		assertThat(registry.claimed(7)).isFalse();
		assertThat(registry.claim(7, c.id())).isTrue();
		assertThat(registry.release(left)).as("c's claim is not b's to release").isFalse();
		assertThat(registry.holds(7, c.id())).isTrue();
	}
}
