package io.keyshift.store;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Proof that this process is the only keyshift run on the database, held for the run's lifetime.
 * On PostgreSQL it is a session advisory lock on a dedicated connection: the server drops it when
 * the process dies, even by {@code kill -9} or power loss, so a later run knows for certain that an
 * execution left STARTED has no live process behind it. On H2 the database file itself is locked
 * by the process that opened it, so reaching this point already proves it. Either way the holder
 * (host, pid, start) is recorded so that a second launch can say who holds the database.
 */
public final class RunLock implements AutoCloseable {

	/** An arbitrary, fixed advisory lock key for keyshift. */
	private static final long LOCK_KEY = 0x6b65797368696674L;

	private final Connection connection;

	private final Dialect dialect;

	private RunLock(Connection connection, Dialect dialect) {
		this.connection = connection;
		this.dialect = dialect;
	}

	/** Who holds the database, as a second launch reports it. */
	public record Holder(String host, long pid, OffsetDateTime startedAt, String command) {

		@Override
		public String toString() {
			return "host " + host + ", pid " + pid + ", started " + startedAt + " (" + command + ")";
		}
	}

	/** Thrown when another live process holds the database. */
	public static final class HeldElsewhere extends RuntimeException {

		private final transient Holder holder;

		HeldElsewhere(Holder holder) {
			super("another keyshift run holds this database: "
					+ (holder == null ? "holder unknown" : holder.toString()));
			this.holder = holder;
		}

		public Holder holder() {
			return holder;
		}
	}

	public static RunLock acquire(DataSource dataSource, Dialect dialect, String command) {
		try {
			Connection connection = dataSource.getConnection();
			connection.setAutoCommit(true);
			if (dialect == Dialect.POSTGRESQL && !tryAdvisoryLock(connection)) {
				Holder holder = holder(connection);
				connection.close();
				throw new HeldElsewhere(holder);
			}
			Holder me = new Holder(hostName(), ProcessHandle.current().pid(), OffsetDateTime.now(ZoneOffset.UTC),
					command.length() > 1000 ? command.substring(0, 1000) : command);
			record(connection, me);
			if (dialect == Dialect.H2) {
				writeHolderFile(connection.getMetaData().getURL(), me);
			}
			return new RunLock(connection, dialect);
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("cannot take the run lock: " + ex.getMessage(), ex);
		}
	}

	private static boolean tryAdvisoryLock(Connection connection) throws SQLException {
		try (PreparedStatement ps = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
			ps.setLong(1, LOCK_KEY);
			try (ResultSet rs = ps.executeQuery()) {
				rs.next();
				return rs.getBoolean(1);
			}
		}
	}

	private static Holder holder(Connection connection) throws SQLException {
		try (PreparedStatement ps = connection
			.prepareStatement("select host, pid, started_at, command from run_holder where id = 1");
				ResultSet rs = ps.executeQuery()) {
			return rs.next() ? new Holder(rs.getString(1), rs.getLong(2), rs.getObject(3, OffsetDateTime.class),
					rs.getString(4)) : null;
		}
	}

	private static void record(Connection connection, Holder me) throws SQLException {
		try (PreparedStatement delete = connection.prepareStatement("delete from run_holder where id = 1");
				PreparedStatement insert = connection.prepareStatement(
						"insert into run_holder (id, host, pid, started_at, command) values (1, ?, ?, ?, ?)")) {
			delete.executeUpdate();
			insert.setString(1, me.host());
			insert.setLong(2, me.pid());
			insert.setObject(3, me.startedAt());
			insert.setString(4, me.command());
			insert.executeUpdate();
		}
	}

	/**
	 * H2 lets one process open a file database: a second launch cannot read the holder table, so
	 * the holder is also written beside the database file, where {@link #h2Holder(String)} finds it.
	 */
	private static void writeHolderFile(String url, Holder me) {
		java.nio.file.Path file = h2HolderFile(url);
		if (file != null) {
			try {
				java.nio.file.Files.writeString(file,
						me.host() + "\n" + me.pid() + "\n" + me.startedAt() + "\n" + me.command() + "\n");
			}
			catch (java.io.IOException ex) {
				// only a courtesy for the message a second launch prints
			}
		}
	}

	/** The holder of an H2 file database, as its holder file says, or null when unknown. */
	public static Holder h2Holder(String url) {
		java.nio.file.Path file = h2HolderFile(url);
		if (file == null || !java.nio.file.Files.isRegularFile(file)) {
			return null;
		}
		try {
			java.util.List<String> lines = java.nio.file.Files.readAllLines(file);
			return new Holder(lines.get(0), Long.parseLong(lines.get(1)), OffsetDateTime.parse(lines.get(2)),
					lines.size() > 3 ? lines.get(3) : "");
		}
		catch (java.io.IOException | RuntimeException ex) {
			return null;
		}
	}

	static java.nio.file.Path h2HolderFile(String url) {
		String prefix = "jdbc:h2:file:";
		if (url == null || !url.startsWith(prefix)) {
			return null;
		}
		String path = url.substring(prefix.length());
		int semicolon = path.indexOf(';');
		return java.nio.file.Path.of((semicolon >= 0 ? path.substring(0, semicolon) : path) + ".holder");
	}

	static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			return ManagementFactory.getRuntimeMXBean().getName();
		}
	}

	@Override
	public void close() {
		try (Connection c = connection) {
			if (dialect == Dialect.H2) {
				java.nio.file.Path file = h2HolderFile(c.getMetaData().getURL());
				if (file != null) {
					java.nio.file.Files.deleteIfExists(file);
				}
			}
			try (PreparedStatement ps = c.prepareStatement("delete from run_holder where id = 1")) {
				ps.executeUpdate();
			}
			if (dialect == Dialect.POSTGRESQL) {
				try (PreparedStatement ps = c.prepareStatement("select pg_advisory_unlock(?)")) {
					ps.setLong(1, LOCK_KEY);
					ps.execute();
				}
			}
		}
		catch (SQLException | java.io.IOException ex) {
			// the server releases a session lock with its connection anyway
		}
	}
}
