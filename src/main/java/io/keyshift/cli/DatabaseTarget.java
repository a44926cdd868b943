package io.keyshift.cli;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database keyshift was pointed at ({@code spring.datasource.*}), and what to tell the operator
 * when it cannot be used: a URL that is no database keyshift knows, a host or port that does not
 * answer, or (for {@code deliver}) a database without keyshift's tables.
 */
final class DatabaseTarget {

	static final String SETTING = "SPRING_DATASOURCE_URL (--spring.datasource.url)";

	private static final Pattern POSTGRESQL = Pattern.compile("jdbc:postgresql://(\\[[^\\]]*\\]|[^/:?,]*)(?::(\\d+))?.*");

	/** One host of a PostgreSQL URL: a name or [IPv6 address], and a numeric port if any. */
	private static final Pattern POSTGRESQL_HOST = Pattern.compile("(\\[[^\\]]*\\]|[^:@\\[\\]]*)(:\\d+)?");

	private final String url;

	private final String username;

	private final String password;

	DatabaseTarget(String url, String username, String password) {
		this.url = url == null ? "" : url.trim();
		this.username = username;
		this.password = password;
	}

	/** The URL as it may be printed: without options or a query, which may carry a password. */
	String shown() {
		int end = url.length();
		for (char c : new char[] { '?', ';' }) {
			int i = url.indexOf(c);
			if (i >= 0 && i < end) {
				end = i;
			}
		}
		String shown = url.substring(0, end);
		// user:password@host (libpq's form): the password must not be printed
		int authority = shown.indexOf("//");
		if (authority >= 0) {
			int slash = shown.indexOf('/', authority + 2);
			int at = shown.lastIndexOf('@', slash < 0 ? shown.length() : slash);
			if (at > authority) {
				shown = shown.substring(0, authority + 2) + "<credentials>@" + shown.substring(at + 1);
			}
		}
		return shown;
	}

	/** Why the URL is no database keyshift can use, or null when it may be one. */
	String malformed() {
		if (url.startsWith("jdbc:h2:") || url.startsWith("jdbc:postgresql:") && hostsReadable()) {
			return null;
		}
		return "the database URL '" + shown() + "' is not one keyshift can use: fix " + SETTING + " (PostgreSQL's is"
				+ " jdbc:postgresql://HOST:5432/DATABASE, the embedded database's jdbc:h2:file:./data/keyshift)";
	}

	/** Whether each host of a PostgreSQL URL reads as a host and a numeric port, as the driver needs. */
	private boolean hostsReadable() {
		String rest = url.substring("jdbc:postgresql:".length());
		if (!rest.startsWith("//")) {
			return true;
		}
		int end = rest.length();
		for (char c : new char[] { '/', '?' }) {
			int i = rest.indexOf(c, 2);
			if (i >= 0 && i < end) {
				end = i;
			}
		}
		for (String host : rest.substring(2, end).split(",", -1)) {
			if (!POSTGRESQL_HOST.matcher(host).matches()) {
				return false;
			}
		}
		return true;
	}

	/** {@code host:port} of a PostgreSQL URL (port 5432 when none is given), or null for any other URL. */
	String hostAndPort() {
		Matcher m = POSTGRESQL.matcher(url);
		if (!m.matches()) {
			return null;
		}
		String host = m.group(1).isEmpty() ? "localhost" : m.group(1);
		return host + ":" + (m.group(2) == null ? "5432" : m.group(2));
	}

	/**
	 * Whether the database holds keyshift's tables. Asked before Flyway and Spring Batch would
	 * create them, so that {@code deliver} on the wrong database changes nothing there.
	 * @throws SQLException when the database cannot be reached: the start then says why
	 */
	boolean hasKeyshiftTables() throws SQLException {
		try (Connection connection = DriverManager.getConnection(url, username, password);
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("""
						select count(*) from information_schema.tables
						where lower(table_name) = 'token_notification' and table_schema = current_schema""")) {
			return rs.next() && rs.getLong(1) > 0;
		}
	}

	/**
	 * What a failed start tells the operator, in one line without {@code keyshift: }: the host and
	 * port that did not answer and the likely fix, or the database's own words.
	 */
	String explain(Throwable failure) {
		String where = hostAndPort();
		for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
			if (t instanceof UnknownHostException) {
				return "cannot start: the database host '" + (t.getMessage() == null ? where : t.getMessage())
						+ "' is unknown (" + shown() + "): check the host name in " + SETTING;
			}
			if (where != null && (t instanceof ConnectException || t instanceof NoRouteToHostException)) {
				return "cannot start: nothing accepts database connections at " + where + " (" + t.getMessage()
						+ "): start the database server there, or fix the host and port in " + SETTING
						+ "; then rerun the same command";
			}
			if (where != null && t instanceof SocketTimeoutException) {
				return "cannot start: the database at " + where + " did not answer in time (" + t.getMessage()
						+ "): check that the server is up and a firewall lets " + where + " through, or fix "
						+ SETTING + "; then rerun the same command";
			}
		}
		return "cannot start: " + Cli.rootMessage(failure) + " (database " + shown()
				+ "). Check the database settings; rerun the same command once it is reachable";
	}
}
