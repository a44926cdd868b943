package io.keyshift.support;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * A fresh, empty database for one test, on H2 (a file database in a temp folder, as the product's
 * embedded default) or on PostgreSQL (a new database on the local server, dropped afterwards). Set
 * KEYSHIFT_TEST_PG_URL / _USER / _PASSWORD to point at another PostgreSQL server.
 */
public final class TestDatabase implements AutoCloseable {

	public enum Kind {

		H2, POSTGRES
	}

	private static final String PG_ADMIN_URL = env("KEYSHIFT_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");

	private static final String PG_USER = env("KEYSHIFT_TEST_PG_USER", "postgres");

	private static final String PG_PASSWORD = env("KEYSHIFT_TEST_PG_PASSWORD", "");

	private final Kind kind;

	private final String url;

	private final String user;

	private final String password;

	private final String pgName;

	private SingleConnectionDataSource dataSource;

	private TestDatabase(Kind kind, String url, String user, String password, String pgName) {
		this.kind = kind;
		this.url = url;
		this.user = user;
		this.password = password;
		this.pgName = pgName;
	}

	public static TestDatabase create(Kind kind, Path folder) {
		if (kind == Kind.H2) {
			return new TestDatabase(kind, "jdbc:h2:file:" + folder.resolve("h2").resolve("keyshift").toAbsolutePath()
					+ ";DB_CLOSE_ON_EXIT=FALSE", "sa", "", null);
		}
		String name = "keyshift_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
		admin("create database " + name);
		String url = PG_ADMIN_URL.substring(0, PG_ADMIN_URL.lastIndexOf('/') + 1) + name;
		return new TestDatabase(kind, url, PG_USER, PG_PASSWORD, name);
	}

	public Kind kind() {
		return kind;
	}

	public String url() {
		return url;
	}

	/** The settings that point the application at this database, as command-line arguments. */
	public List<String> springArgs() {
		return List.of("--spring.datasource.url=" + url, "--spring.datasource.username=" + user,
				"--spring.datasource.password=" + password);
	}

	public JdbcTemplate jdbc() {
		if (dataSource == null) {
			dataSource = new SingleConnectionDataSource(url, user, password, true);
		}
		return new JdbcTemplate(dataSource);
	}

	/**
	 * A pool of {@code size} connections to this database, its schema migrated as the application
	 * migrates it: for tests that drive the stores on several connections at once. Close it before the
	 * database.
	 */
	public HikariDataSource migratedPool(int size) {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl(url);
		pool.setUsername(user);
		pool.setPassword(password);
		pool.setMaximumPoolSize(size);
		Flyway.configure()
			.dataSource(pool)
			.locations("classpath:db/migration", "classpath:db/vendor/" + (kind == Kind.H2 ? "h2" : "postgresql"))
			.load()
			.migrate();
		return pool;
	}

	@Override
	public void close() {
		if (dataSource != null) {
			if (kind == Kind.H2) {
				new JdbcTemplate(dataSource).execute("shutdown");
			}
			dataSource.destroy();
		}
		if (pgName != null) {
			admin("drop database if exists " + pgName + " with (force)");
		}
	}

	private static void admin(String sql) {
		try (Connection c = DriverManager.getConnection(PG_ADMIN_URL, PG_USER, PG_PASSWORD);
				Statement s = c.createStatement()) {
			s.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("PostgreSQL for tests is not reachable at " + PG_ADMIN_URL
					+ " (start it, or set KEYSHIFT_TEST_PG_URL): " + ex.getMessage(), ex);
		}
	}

	private static String env(String name, String fallback) {
		String value = System.getenv(name);
		return value == null || value.isBlank() ? fallback : value;
	}
}
