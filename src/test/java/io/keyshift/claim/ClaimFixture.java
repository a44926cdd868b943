package io.keyshift.claim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.icegreen.greenmail.base.GreenMailOperations;
import io.keyshift.cli.Cli;
import io.keyshift.support.Csv;
import io.keyshift.support.TestDatabase;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One database with the sample export migrated for real, {@code keyshift serve} on a random port
 * over it, and {@code deliver} in link mode to a GreenMail server: what the claim tests share.
 */
final class ClaimFixture implements AutoCloseable {

	static final Pattern TOKEN = Pattern.compile("dbtu_[0-9A-Za-z]{49}");

	static final Pattern LINK = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/claim/([0-9a-f-]{36})#([A-Za-z0-9_-]{43})");

	static final String CONTACT = "security@example.com";

	final TestDatabase db;

	final Path key;

	final io.keyshift.cli.ServeCli.Served served;

	final GreenMailOperations mail;

	final Map<String, String> legacyKeyByEmail = new HashMap<>();

	final Map<String, Long> userByEmail = new HashMap<>();

	final ByteArrayOutputStream out = new ByteArrayOutputStream();

	final ByteArrayOutputStream err = new ByteArrayOutputStream();

	ClaimFixture(TestDatabase.Kind kind, Path tmp, GreenMailOperations mail, String... serveArgs) throws IOException {
		this.mail = mail;
		for (Map<String, String> row : Csv.read(Path.of("sample-data/legacy_api_keys.csv"))) {
			legacyKeyByEmail.put(row.get("email").toLowerCase(java.util.Locale.ROOT), row.get("api_key"));
			userByEmail.put(row.get("email").toLowerCase(java.util.Locale.ROOT), Long.parseLong(row.get("user_id")));
		}
		db = TestDatabase.create(kind, tmp);
		byte[] bytes = new byte[32];
		new SecureRandom().nextBytes(bytes);
		key = Files.writeString(tmp.resolve("delivery.key"), Base64.getEncoder().encodeToString(bytes) + "\n");
		Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
		assertThat(run("migrate", "--input", "sample-data", "--report-dir", tmp.resolve("report").toString(),
				"--delivery-key-file", key.toString(), "--accept-unattributed-rows"))
			.as(err())
			.isZero();
		List<String> args = new ArrayList<>(List.of("serve", "--port", "0", "--delivery-key-file", key.toString(),
				"--keyshift.claim.contact=" + CONTACT));
		args.addAll(List.of(serveArgs));
		args.addAll(db.springArgs());
		served = Cli.startServer(args.toArray(String[]::new), print(out), print(err));
		assertThat(served.context()).as(err()).isNotNull();
	}

	String base() {
		return "http://127.0.0.1:" + served.port();
	}

	/** {@code deliver} to the GreenMail server, links pointing at this serve. */
	int deliver(String... more) {
		List<String> args = new ArrayList<>(List.of("deliver", "--delivery-key-file", key.toString(),
				"--spring.mail.host=127.0.0.1", "--spring.mail.port=" + mail.getSmtp().getPort(),
				"--keyshift.mail.from=keyshift@example.com", "--keyshift.claim.base-url=" + base()));
		args.addAll(List.of(more));
		return run(args.toArray(String[]::new));
	}

	int run(String... args) {
		List<String> all = new ArrayList<>(List.of(args));
		all.addAll(db.springArgs());
		return Cli.run(all.toArray(String[]::new), print(out), print(err));
	}

	/** The link in the last message {@code email} received. */
	Link lastLink(String email) throws Exception {
		MimeMessage last = null;
		for (MimeMessage m : mail.getReceivedMessages()) {
			if (m.getAllRecipients()[0].toString().equalsIgnoreCase(email)) {
				last = m;
			}
		}
		assertThat(last).as("a message to " + email).isNotNull();
		String text = text(last);
		Matcher m = LINK.matcher(text);
		assertThat(m.find()).as("a claim link in the message to " + email).isTrue();
		Link link = new Link(m.group(), m.group(2), m.group(3));
		// the code to paste is the link's own secret, and the HTML part carries the same link
		assertThat(text).contains("paste this one: " + link.code());
		assertThat(html(last)).contains(link.url());
		return link;
	}

	record Link(String url, String claimId, String code) {

		String page() {
			return url.substring(0, url.indexOf('#'));
		}
	}

	static String text(MimeMessage message) throws Exception {
		return (String) ((MimeMultipart) message.getContent()).getBodyPart(0).getContent();
	}

	static String html(MimeMessage message) throws Exception {
		return (String) ((MimeMultipart) message.getContent()).getBodyPart(1).getContent();
	}

	static List<String> tokensIn(String text) {
		List<String> found = new ArrayList<>();
		Matcher m = TOKEN.matcher(text);
		while (m.find()) {
			found.add(m.group());
		}
		return found;
	}

	String out() {
		return out.toString(StandardCharsets.UTF_8);
	}

	String err() {
		return err.toString(StandardCharsets.UTF_8);
	}

	private static PrintStream print(ByteArrayOutputStream stream) {
		return new PrintStream(stream, true, StandardCharsets.UTF_8);
	}

	@Override
	public void close() {
		if (served != null && served.context() != null) {
			served.context().close();
		}
		db.close();
	}
}
