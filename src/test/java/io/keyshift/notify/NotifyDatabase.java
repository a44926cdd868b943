package io.keyshift.notify;

import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.keyshift.job.MigrateProcessor;
import io.keyshift.store.NotificationStore;
import io.keyshift.support.TestDatabase;
import io.keyshift.token.DeliveryCipher;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A fresh database with the product's schema (Flyway, all migrations) for one delivery test: H2 in
 * memory, or a new PostgreSQL database through {@link TestDatabase}. Seeds notifications the way a
 * real migrate run leaves them: sealed payload JSON in a PENDING row.
 */
final class NotifyDatabase implements AutoCloseable {

	enum Kind {

		H2, POSTGRES
	}

	private final Kind kind;

	private final TestDatabase postgres;

	/** The in-memory H2 database's pool; null otherwise. */
	private final HikariDataSource h2;

	private final JdbcTemplate jdbc;

	private final Set<Long> legacyKeys = new HashSet<>();

	/** The pool of a database made for several connections at once; null otherwise. */
	private HikariDataSource pool;

	private NotifyDatabase(Kind kind, TestDatabase postgres, HikariDataSource h2, JdbcTemplate jdbc) {
		this.kind = kind;
		this.postgres = postgres;
		this.h2 = h2;
		this.jdbc = jdbc;
	}

	static NotifyDatabase create(Kind kind, Path folder) {
		NotifyDatabase db;
		if (kind == Kind.H2) {
			// a pool, not one shared connection: deliver sends from several threads, and threads
			// sharing one connection end each other's transactions ("Cannot commit when
			// autoCommit is enabled", seen in CI)
			HikariDataSource ds = new HikariDataSource();
			ds.setJdbcUrl("jdbc:h2:mem:notify_" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1");
			ds.setUsername("sa");
			ds.setPassword("");
			ds.setMaximumPoolSize(8);
			db = new NotifyDatabase(kind, null, ds, new JdbcTemplate(ds));
		}
		else {
			// a pool here too (TestDatabase.jdbc() is one shared connection)
			return createPooled(kind, folder, 8);
		}
		// the product's locations (application.yml): the shared scripts and the database's own
		Flyway.configure()
			.dataSource(db.jdbc.getDataSource())
			.locations("classpath:db/migration", "classpath:db/vendor/" + (kind == Kind.H2 ? "h2" : "postgresql"))
			.load()
			.migrate();
		return db;
	}

	/**
	 * A database for tests that send from several threads (or deliverers) at once: H2 as a file
	 * (the product's embedded default) or a new PostgreSQL database, behind a pool of {@code size}
	 * connections, its schema migrated.
	 */
	static NotifyDatabase createPooled(Kind kind, Path folder, int size) {
		TestDatabase test = TestDatabase.create(kind == Kind.H2 ? TestDatabase.Kind.H2 : TestDatabase.Kind.POSTGRES,
				folder);
		HikariDataSource pool = test.migratedPool(size);
		NotifyDatabase db = new NotifyDatabase(kind, test, null, new JdbcTemplate(pool));
		db.pool = pool;
		return db;
	}

	/** The settings that point the application at this database (a pooled one), as arguments. */
	List<String> springArgs() {
		return postgres.springArgs();
	}

	Kind kind() {
		return kind;
	}

	JdbcTemplate jdbc() {
		return jdbc;
	}

	NotificationStore store() {
		return new NotificationStore(jdbc);
	}

	TransactionTemplate transactions() {
		return new TransactionTemplate(new DataSourceTransactionManager(jdbc.getDataSource()));
	}

	/** Seals {@code payload} for row {@code id} and inserts the PENDING row, as MigrateWriter does. */
	UUID insertSealed(DeliveryCipher cipher, NotificationPayload payload, OffsetDateTime createdAt) {
		return insertSealed(cipher, payload, createdAt, 1);
	}

	/** As {@link #insertSealed(DeliveryCipher, NotificationPayload, OffsetDateTime)}, queued by run {@code runId}. */
	UUID insertSealed(DeliveryCipher cipher, NotificationPayload payload, OffsetDateTime createdAt, long runId) {
		UUID id = UUID.randomUUID();
		byte[] sealed = cipher.encrypt(payload.toJson(), MigrateProcessor.associatedData(id, payload.userId()));
		insertRow(id, payload.userId(), payload.email(), payload.kind(), Base64.getEncoder().encodeToString(sealed),
				createdAt, runId);
		return id;
	}

	/** As migrate seals since key ids are recorded: the row names the key it was sealed with. */
	UUID insertSealedWithKeyId(DeliveryCipher cipher, NotificationPayload payload, OffsetDateTime createdAt,
			long runId) {
		UUID id = insertSealed(cipher, payload, createdAt, runId);
		jdbc.update("update token_notification set delivery_key_id = ? where id = ?", cipher.keyId(), id);
		return id;
	}

	void insertRow(UUID id, long userId, String email, String kind, String sealedPayload, OffsetDateTime createdAt) {
		insertRow(id, userId, email, kind, sealedPayload, createdAt, 1);
	}

	void insertRow(UUID id, long userId, String email, String kind, String sealedPayload, OffsetDateTime createdAt,
			long runId) {
		jdbc.update("""
				insert into token_notification (id, user_id, email, kind, status, payload, created_at, run_id)
				values (?, ?, ?, ?, 'PENDING', ?, ?, ?)
				""", id, userId, email, kind, sealedPayload, createdAt, runId);
	}

	/** A PAT row as migrate stores it: digest and hint only (with the legacy key it replaces). */
	void insertToken(long userId, long accountId, String digest, String hint) {
		if (legacyKeys.add(userId)) {
			jdbc.update("""
					insert into legacy_api_key (key_id, user_id, email, fingerprint, hint, status)
					values (?, ?, ?, ?, 'abcd', 'MIGRATED')
					""", userId, userId, "user" + userId + "@example.com", "0".repeat(64));
		}
		jdbc.update("""
				insert into personal_access_token (id, user_id, account_id, legacy_key_id, name, token_digest,
				    token_hint, created_at, run_id)
				values (?, ?, ?, ?, 'Migrated', ?, ?, ?, 1)
				""", UUID.randomUUID(), userId, accountId, userId, digest, hint, OffsetDateTime.now());
	}

	Map<String, Object> row(UUID id) {
		return jdbc.queryForMap("""
				select status, payload, attempts, last_error, next_attempt_at, delivered_at
				from token_notification where id = ?
				""", id);
	}

	/** Every text column of every notification row, to search for secrets. */
	List<String> allNotificationText() {
		return jdbc.queryForList("""
				select coalesce(email, '') || ' ' || coalesce(payload, '') || ' ' || coalesce(last_error, '')
				from token_notification
				""", String.class);
	}

	@Override
	public void close() {
		if (pool != null) {
			pool.close();
		}
		if (h2 != null) {
			jdbc.execute("shutdown");
			h2.close();
		}
		if (postgres != null) {
			postgres.close();
		}
	}
}
