package io.keyshift.store;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.ZoneOffset;

import javax.sql.DataSource;

import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Proof that this process is the only keyshift run on the database, held for the run's lifetime.
 * On PostgreSQL it is a session advisory lock on a dedicated connection: the server drops it when
 * the process dies, even by {@code kill -9} or power loss, so a later run knows for certain that an
 * execution left STARTED has no live process behind it. On H2 the database file itself is locked
 * by the process that opened it, so reaching this point already proves it: the command line refuses
 * the H2 modes in which other processes share that file (server, AUTO_SERVER, FILE_LOCK=NO) before
 * the database is opened. Either way the holder
 * (host, pid, start) is recorded so that a second launch can say who holds the database.
 *
 * <p>A session lock lives only as long as its connection. If the server ends that backend
 * ({@code pg_terminate_backend}, a restart, an idle timeout, a dropped TCP connection) the lock is
 * gone while the process runs on, and another launch could take it and write beside this one. So
 * the holder checks: {@link #ensureHeld()} says whether the lock is still this process's and takes
 * it again on a new connection if nobody else did; {@link #watch} runs that check every interval
 * on a daemon thread while the job runs. If another process took the lock in between, it throws or
 * reports {@link Lost}, and this process must stop writing at once.
 */
public final class RunLock implements AutoCloseable {

	/** An arbitrary, fixed advisory lock key for keyshift ("keyshift" in ASCII). */
	public static final long KEY = 0x6b65797368696674L;

	private final DataSource dataSource;

	private final Dialect dialect;

	private final Holder me;

	/** The connection whose session holds the lock; replaced when the lock is taken again. */
	private Connection connection;

	/** Set once another process was found holding the lock: this one must not write any more. */
	private Lost lost;

	private boolean closed;

	private Thread watcher;

	private RunLock(DataSource dataSource, Connection connection, Dialect dialect, Holder me) {
		this.dataSource = dataSource;
		this.connection = connection;
		this.dialect = dialect;
		this.me = me;
	}

	/** Who holds the database, as a second launch reports it. */
	public record Holder(String host, long pid, OffsetDateTime startedAt, String command) {

		/** To the second: a person reads it. */
		private static final DateTimeFormatter STARTED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

		@Override
		public String toString() {
			return "host " + host + ", pid " + pid + ", started "
					+ (startedAt == null ? "?" : STARTED.format(startedAt.withOffsetSameInstant(ZoneOffset.UTC)))
					+ " (" + command + ")";
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

	/**
	 * Thrown, or reported to a {@link Watcher}, when this process's lock connection ended and another
	 * process has taken the lock since: this process no longer has the database to itself.
	 */
	public static final class Lost extends RuntimeException {

		private final transient Holder holder;

		Lost(Holder holder) {
			super("this process lost the run lock (its database connection was closed) and another keyshift run"
					+ " holds this database now: " + (holder == null ? "holder unknown" : holder.toString()));
			this.holder = holder;
		}

		public Holder holder() {
			return holder;
		}
	}

	/** What {@link #watch} reports from its thread. */
	public interface Watcher {

		/** The lock connection had ended; the lock was free and is held again on a new connection. */
		void regained();

		/** Another process holds the lock now. Called once; the watch then ends. */
		void lost(Lost lost);
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
			return new RunLock(dataSource, connection, dialect, me);
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("cannot take the run lock: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Makes sure this process still holds the lock. Returns false when it never stopped holding it;
	 * true when its connection had ended and the lock, found free, was taken again on a new
	 * connection. Throws {@link Lost} when another process holds it now (and from then on), or a
	 * {@link DataAccessResourceFailureException} when the database cannot be reached to tell: the
	 * caller must then treat the lock as not held. On H2 the process holds the database file for its
	 * lifetime, so this always returns false.
	 */
	public synchronized boolean ensureHeld() {
		if (dialect != Dialect.POSTGRESQL) {
			return false;
		}
		if (lost != null) {
			throw lost;
		}
		if (closed) {
			throw new IllegalStateException("the run lock was released");
		}
		if (stillHeld(connection)) {
			return false;
		}
		closeQuietly(connection);
		connection = null;
		Connection fresh;
		try {
			fresh = dataSource.getConnection();
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("cannot take the run lock again: " + ex.getMessage(), ex);
		}
		try {
			fresh.setAutoCommit(true);
			if (!tryAdvisoryLock(fresh)) {
				Holder holder = holder(fresh);
				closeQuietly(fresh);
				// the row still names this process when the new holder did not record itself
				boolean mine = holder != null && holder.host().equals(me.host()) && holder.pid() == me.pid();
				lost = new Lost(mine ? null : holder);
				throw lost;
			}
			record(fresh, me);
			connection = fresh;
			return true;
		}
		catch (SQLException ex) {
			closeQuietly(fresh);
			throw new DataAccessResourceFailureException("cannot take the run lock again: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Checks the lock every {@code interval} on a daemon thread until {@link #close()}, taking it
	 * again when its connection ended and telling {@code watcher}. A check that cannot reach the
	 * database is repeated at the next interval. Does nothing on H2.
	 */
	public synchronized void watch(Duration interval, Watcher watcher) {
		if (dialect != Dialect.POSTGRESQL || this.watcher != null || closed) {
			return;
		}
		Thread thread = new Thread(() -> {
			while (!Thread.currentThread().isInterrupted()) {
				try {
					Thread.sleep(interval.toMillis());
				}
				catch (InterruptedException ex) {
					return;
				}
				try {
					if (ensureHeld()) {
						watcher.regained();
					}
				}
				catch (Lost ex) {
					watcher.lost(ex);
					return;
				}
				catch (IllegalStateException ex) {
					return;
				}
				catch (RuntimeException ex) {
					// the database cannot be reached just now: the next check tries again
				}
			}
		}, "keyshift-run-lock");
		thread.setDaemon(true);
		thread.start();
		this.watcher = thread;
	}

	/** Whether the session of {@code connection} still holds the lock; false if it cannot tell. */
	private static boolean stillHeld(Connection connection) {
		if (connection == null) {
			return false;
		}
		try (PreparedStatement ps = connection.prepareStatement("""
				select count(*) from pg_locks
				where locktype = 'advisory' and pid = pg_backend_pid() and granted
				  and classid::bigint = ? and objid::bigint = ? and objsubid = 1""")) {
			ps.setLong(1, KEY >>> 32);
			ps.setLong(2, KEY & 0xffffffffL);
			try (ResultSet rs = ps.executeQuery()) {
				return rs.next() && rs.getLong(1) > 0;
			}
		}
		catch (SQLException ex) {
			return false;
		}
	}

	private static void closeQuietly(Connection connection) {
		if (connection != null) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// a broken connection: the pool discards it
			}
		}
	}

	private static boolean tryAdvisoryLock(Connection connection) throws SQLException {
		try (PreparedStatement ps = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
			ps.setLong(1, KEY);
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

	/**
	 * {@code ./data/keyshift.holder} beside an embedded H2 database ({@code jdbc:h2:file:./data/keyshift},
	 * also written {@code jdbc:h2:./data/keyshift}, {@code jdbc:h2:/var/db/k} or {@code jdbc:h2:~/k});
	 * null for any other URL (in memory, server mode).
	 */
	static java.nio.file.Path h2HolderFile(String url) {
		if (url == null || !url.startsWith("jdbc:h2:")) {
			return null;
		}
		String path = url.substring("jdbc:h2:".length());
		int semicolon = path.indexOf(';');
		path = semicolon >= 0 ? path.substring(0, semicolon) : path;
		if (path.startsWith("file:")) {
			path = path.substring("file:".length());
		}
		else if (!(path.startsWith("/") || path.startsWith(".") || path.startsWith("~"))) {
			return null; // mem:, tcp:, ssl:, zip: ...
		}
		if (path.startsWith("~")) {
			path = System.getProperty("user.home") + path.substring(1);
		}
		return path.isBlank() ? null : java.nio.file.Path.of(path + ".holder");
	}

	static String hostName() {
		try {
			return InetAddress.getLocalHost().getHostName();
		}
		catch (Exception ex) {
			return ManagementFactory.getRuntimeMXBean().getName();
		}
	}

	/**
	 * Releases the lock and forgets the holder. After the lock was lost, or while its connection is
	 * down, the holder row may be another process's, so it is left alone.
	 */
	@Override
	public void close() {
		Thread thread;
		synchronized (this) {
			if (closed) {
				return;
			}
			closed = true;
			thread = watcher;
		}
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join(5_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		synchronized (this) {
			release();
		}
	}

	private void release() {
		if (connection == null || lost != null) {
			return;
		}
		try (Connection c = connection) {
			if (dialect == Dialect.H2) {
				java.nio.file.Path file = h2HolderFile(c.getMetaData().getURL());
				if (file != null) {
					java.nio.file.Files.deleteIfExists(file);
				}
			}
			if (dialect == Dialect.POSTGRESQL && !stillHeld(c)) {
				return;
			}
			try (PreparedStatement ps = c
				.prepareStatement("delete from run_holder where id = 1 and host = ? and pid = ?")) {
				ps.setString(1, me.host());
				ps.setLong(2, me.pid());
				ps.executeUpdate();
			}
			if (dialect == Dialect.POSTGRESQL) {
				try (PreparedStatement ps = c.prepareStatement("select pg_advisory_unlock(?)")) {
					ps.setLong(1, KEY);
					ps.execute();
				}
			}
		}
		catch (SQLException | java.io.IOException ex) {
			// the server releases a session lock with its connection anyway
		}
		finally {
			connection = null;
		}
	}
}
