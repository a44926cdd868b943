package io.keyshift.notify;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.keyshift.store.H2Commits;
import io.keyshift.store.NotificationStore;
import io.keyshift.store.NotificationStore.Pending;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationStoreIT {

	private static final OffsetDateTime T0 = OffsetDateTime.of(2026, 12, 1, 9, 0, 0, 0, ZoneOffset.UTC);

	@TempDir
	Path dir;

	private static List<UUID> insert(NotifyDatabase db, int count) {
		List<UUID> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			UUID id = UUID.randomUUID();
			db.insertRow(id, 100 + i, "u" + i + "@example.com", "NO_TOKEN_ISSUED", "c2VhbGVk", T0);
			ids.add(id);
		}
		return ids;
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void pagesThroughEveryDueNotificationOnceByKeyset(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			List<UUID> ids = insert(db, 7);
			NotificationStore store = db.store();

			List<UUID> seen = new ArrayList<>();
			List<Integer> pageSizes = new ArrayList<>();
			UUID after = null;
			List<Pending> page;
			do {
				page = store.due(T0, after, 3);
				pageSizes.add(page.size());
				for (Pending p : page) {
					seen.add(p.id());
					after = p.id();
				}
			}
			while (page.size() == 3);

			assertThat(seen).containsExactlyInAnyOrderElementsOf(ids).doesNotHaveDuplicates();
			assertThat(pageSizes).containsExactly(3, 3, 1);
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void markDeliveredErasesThePayloadOnceAndOnlyOnce(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			UUID id = insert(db, 1).get(0);
			NotificationStore store = db.store();

			assertThat(store.markDelivered(id, T0.plusMinutes(1))).isTrue();
			assertThat(store.markDelivered(id, T0.plusMinutes(2))).isFalse();

			Map<String, Object> row = db.row(id);
			assertThat(row.get("STATUS")).isEqualTo("DELIVERED");
			assertThat(row.get("PAYLOAD")).isNull();
			assertThat(store.due(T0.plusHours(1), null, 10)).isEmpty();
			assertThat(store.countPending()).isZero();
			assertThat(db.jdbc().queryForObject("select delivered_at from token_notification where id = ?",
					OffsetDateTime.class, id).toInstant()).isEqualTo(T0.plusMinutes(1).toInstant());
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void markDeliveredWritesADeliveredEventForEachTokenItsRunMintedForItsUserAndOnlyOnce(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			// user 100 got two tokens in run 1 (the rows' run), user 101 one; run 1's notification of user 100
			db.insertToken(100, 1, "a".repeat(64), "aaaa");
			db.insertToken(100, 2, "b".repeat(64), "bbbb");
			db.insertToken(101, 1, "c".repeat(64), "cccc");
			UUID id = UUID.randomUUID();
			db.insertRow(id, 100, "u100@example.com", "TOKENS_ISSUED", "c2VhbGVk", T0, 1);
			UUID changed = UUID.randomUUID();
			db.insertRow(changed, 101, "u101@example.com", "TOKENS_CHANGED", "c2VhbGVk", T0, 2);
			NotificationStore store = db.store();

			db.transactions().executeWithoutResult(status -> store.markDelivered(id, T0.plusMinutes(1)));
			db.transactions().executeWithoutResult(status -> store.markDelivered(id, T0.plusMinutes(2)));
			db.transactions().executeWithoutResult(status -> store.markDelivered(changed, T0.plusMinutes(3)));

			assertThat(db.jdbc().queryForList("""
					select t.token_hint || ' ' || e.event || ' ' || e.run_id from token_event e
					join personal_access_token t on t.id = e.token_id order by t.token_hint""", String.class))
				.as("a run-2 notice to user 101 delivers no run-1 token")
				.containsExactly("aaaa DELIVERED 1", "bbbb DELIVERED 1");
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void aFailedAttemptKeepsThePayloadAndIsNotDueUntilItsBackoffEnds(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			UUID id = insert(db, 1).get(0);
			NotificationStore store = db.store();

			assertThat(store.recordFailure(id, 1, "x".repeat(1500), T0.plusMinutes(1))).isTrue();

			Map<String, Object> row = db.row(id);
			assertThat(row.get("STATUS")).isEqualTo("PENDING");
			assertThat(row.get("PAYLOAD")).isEqualTo("c2VhbGVk");
			assertThat(row.get("ATTEMPTS")).isEqualTo(1);
			assertThat((String) row.get("LAST_ERROR")).hasSize(NotificationStore.MAX_ERROR_LENGTH);
			assertThat(store.due(T0.plusSeconds(59), null, 10)).isEmpty();
			assertThat(store.due(T0.plusMinutes(1), null, 10)).extracting(Pending::attempts).containsExactly(1);
			assertThat(store.nextDueAfter(T0).toInstant()).isEqualTo(T0.plusMinutes(1).toInstant());
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void aClaimedNotificationCannotBeClaimedAgainUntilTheLeaseEnds(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			UUID id = insert(db, 1).get(0);
			NotificationStore store = db.store();

			assertThat(store.claim(id, T0, T0.plusMinutes(10))).isTrue();
			assertThat(store.claim(id, T0.plusMinutes(5), T0.plusMinutes(15))).isFalse();
			assertThat(store.due(T0.plusMinutes(5), null, 10)).isEmpty();
			assertThat(store.claim(id, T0.plusMinutes(10), T0.plusMinutes(20))).isTrue();
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void aDeliveredNotificationCannotBeClaimedOrFailed(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			UUID id = insert(db, 1).get(0);
			NotificationStore store = db.store();
			store.markDelivered(id, T0);

			assertThat(store.claim(id, T0.plusHours(1), T0.plusHours(2))).isFalse();
			assertThat(store.recordFailure(id, 1, "late failure", T0.plusHours(1))).isFalse();
			assertThat(db.row(id).get("ATTEMPTS")).isEqualTo(0);
			assertThat(db.row(id).get("LAST_ERROR")).isNull();
		}
	}

	@ParameterizedTest
	@EnumSource(NotifyDatabase.Kind.class)
	void countsPendingPerRunAndSamplesOnlyPendingRowsThatHoldAPayload(NotifyDatabase.Kind kind) {
		try (NotifyDatabase db = NotifyDatabase.create(kind, dir)) {
			List<UUID> first = insert(db, 3);
			UUID second = UUID.randomUUID();
			db.insertRow(second, 200, "v@example.com", "NO_TOKEN_ISSUED", "c2VhbGVk", T0, 2);
			NotificationStore store = db.store();
			store.markDelivered(first.get(0), T0);

			assertThat(store.countAll()).isEqualTo(4);
			assertThat(store.pendingByRun()).containsExactly(new NotificationStore.RunPending(1, null, 2),
					new NotificationStore.RunPending(2, null, 1));
			assertThat(store.sample(1, 5)).extracting(Pending::id)
				.containsExactlyInAnyOrder(first.get(1), first.get(2));
			assertThat(store.sample(1, 1)).hasSize(1);
			assertThat(store.sample(2, 5)).extracting(Pending::runId).containsExactly(2L);
			assertThat(store.sample(3, 5)).isEmpty();
		}
	}

	/** H2 only: PostgreSQL makes every commit durable already, and the method changes nothing there. */
	@Test
	void writesEachCommitAtOnceOnH2UntilClosed() {
		try (NotifyDatabase db = NotifyDatabase.create(NotifyDatabase.Kind.H2, dir)) {
			NotificationStore store = db.store();
			String sql = "select max(setting_value) from information_schema.settings where setting_name = 'WRITE_DELAY'";
			// a delay of its own (not H2's default of 500), so that both the change and the restore show
			db.jdbc().execute("set write_delay 700");
			assertThat(db.jdbc().queryForObject(sql, String.class)).isEqualTo("700");

			try (H2Commits.Handle durable = store.writeEachCommitAtOnce()) {
				assertThat(db.jdbc().queryForObject(sql, String.class)).isEqualTo("0");
			}

			assertThat(db.jdbc().queryForObject(sql, String.class)).isEqualTo("700");
		}
	}

	/**
	 * A run killed with WRITE_DELAY 0 cannot put the old value back, and H2 keeps the 0 in its file;
	 * the next run must not take it for a choice. A file database (an in-memory one lists other
	 * defaults), opened afresh for every statement, as a killed process and its rerun would.
	 */
	@Test
	void aZeroLeftByAKilledRunBecomesH2sDefaultAgain() {
		JdbcTemplate file = new JdbcTemplate(new org.springframework.jdbc.datasource.DriverManagerDataSource(
				"jdbc:h2:file:" + dir.resolve("killed").toAbsolutePath(), "sa", ""));
		String sql = "select setting_value from information_schema.settings where setting_name = 'WRITE_DELAY'";
		assertThat(file.queryForList(sql, String.class)).containsOnly("500");
		file.execute("set write_delay 0");
		assertThat(file.queryForList(sql, String.class)).contains("0");

		try (H2Commits.Handle durable = H2Commits.writeEachAtOnce(file)) {
			assertThat(file.queryForList(sql, String.class)).contains("0");
		}

		assertThat(file.queryForList(sql, String.class)).containsOnly("500");
	}
}
