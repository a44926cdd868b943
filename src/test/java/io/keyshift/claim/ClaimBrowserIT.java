package io.keyshift.claim;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import io.keyshift.support.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A user claims their tokens in headless Chromium (Debian's chromium and chromium-driver, driven by
 * Selenium), on H2 and PostgreSQL: the link from the message GreenMail captured opens the
 * confirmation page, whose script moves the code from the fragment into the form and out of the
 * address bar; a wrong key is refused; the right one shows each token once, with copy buttons, each
 * matching its stored digest; opening the link again shows no token. With JavaScript off, the user
 * pastes the code and it works all the same. No secret reaches any output.
 */
@ExtendWith(OutputCaptureExtension.class)
class ClaimBrowserIT {

	@RegisterExtension
	static final GreenMailExtension greenMail = new GreenMailExtension(
			new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort())
		.withPerMethodLifecycle(true);

	@TempDir
	Path tmp;

	private ClaimFixture fixture;

	private WebDriver browser;

	@AfterEach
	void stop() {
		if (browser != null) {
			browser.quit();
		}
		if (fixture != null) {
			fixture.close();
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabase.Kind.class)
	void userClaimsTokensInTheBrowser(TestDatabase.Kind kind, CapturedOutput output) throws Exception {
		fixture = new ClaimFixture(kind, tmp, greenMail);
		JdbcTemplate jdbc = fixture.db.jdbc();
		assertThat(fixture.deliver()).as(fixture.err()).isZero();
		String email = "lucas.moreau@example.com";
		ClaimFixture.Link link = fixture.lastLink(email);
		String legacyKey = fixture.legacyKeyByEmail.get(email);
		long userId = fixture.userByEmail.get(email);

		browser = chromium(true);
		browser.get(link.url());
		assertThat(browser.getTitle()).isEqualTo("Your new personal access tokens");
		// the script took the code from the fragment, hid its field, and took it out of the address bar
		assertThat(browser.findElement(By.id("code")).getDomProperty("value")).isEqualTo(link.code());
		assertThat(browser.findElement(By.id("code-row")).isDisplayed()).isFalse();
		assertThat(browser.getCurrentUrl()).isEqualTo(link.page());
		assertThat(state(link)).isEqualTo("OPEN|0");

		// a wrong key
		browser.findElement(By.id("legacy_key")).sendKeys("ak_this_is_not_the_users_key_0000");
		browser.findElement(By.id("claim")).click();
		// the refusal is a new page: wait for it (a loaded machine takes seconds to answer)
		WebElement error = new org.openqa.selenium.support.ui.WebDriverWait(browser, java.time.Duration.ofSeconds(60))
			.until(org.openqa.selenium.support.ui.ExpectedConditions.presenceOfElementLocated(By.id("error")));
		assertThat(error.getText()).contains("That is not your current legacy API key");
		assertThat(browser.getPageSource()).doesNotContain("dbtu_");
		assertThat(state(link)).isEqualTo("OPEN|1");

		// the right key: the tokens, once, with copy buttons
		browser.findElement(By.id("legacy_key")).sendKeys(legacyKey);
		browser.findElement(By.id("claim")).click();
		List<WebElement> values = new org.openqa.selenium.support.ui.WebDriverWait(browser,
				java.time.Duration.ofSeconds(60))
			.until(org.openqa.selenium.support.ui.ExpectedConditions
				.numberOfElementsToBeMoreThan(By.cssSelector("code.value"), 0));
		assertThat(values).hasSize(created(email));
		for (WebElement value : values) {
			String token = value.getText();
			assertThat(token).matches("dbtu_[0-9A-Za-z]{49}");
			assertThat(jdbc.queryForObject("select count(*) from personal_access_token where user_id = ? and"
					+ " token_digest = ?", Long.class, userId, sha256(token))).isEqualTo(1);
		}
		List<WebElement> copy = browser.findElements(By.cssSelector("button.copy"));
		assertThat(copy).hasSize(values.size()).allMatch(WebElement::isDisplayed);
		copy.get(0).click();
		assertThat(state(link)).startsWith("CLAIMED|");
		assertThat(jdbc.queryForObject("select count(*) from token_notification where user_id = ? and status ="
				+ " 'DELIVERED' and payload is null", Long.class, userId)).isEqualTo(1);

		// opening the link again (from the e-mail, so a new load, not a jump within the page): when it was
		// claimed, and no token
		browser.get("about:blank");
		browser.get(link.url());
		assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("These tokens were claimed already");
		assertThat(browser.getPageSource()).doesNotContain("dbtu_");
		browser.quit();

		// without JavaScript: the user pastes the code from the e-mail
		String amara = "amara.okafor@example.com";
		ClaimFixture.Link second = fixture.lastLink(amara);
		browser = chromium(false);
		browser.get(second.url());
		assertThat(browser.findElement(By.id("code-row")).isDisplayed()).isTrue();
		assertThat(browser.findElement(By.id("code")).getDomProperty("value")).isEmpty();
		browser.findElement(By.id("code")).sendKeys(second.code());
		browser.findElement(By.id("legacy_key")).sendKeys(fixture.legacyKeyByEmail.get(amara));
		browser.findElement(By.id("claim")).click();
		// the form posts and a new page loads: wait for it (it failed once reading the old page at once)
		List<WebElement> secondValues = new org.openqa.selenium.support.ui.WebDriverWait(browser,
				java.time.Duration.ofSeconds(60))
			.until(org.openqa.selenium.support.ui.ExpectedConditions
				.numberOfElementsToBeMoreThan(By.cssSelector("code.value"), 0));
		assertThat(secondValues).hasSize(created(amara));
		for (WebElement value : secondValues) {
			assertThat(jdbc.queryForObject("select count(*) from personal_access_token where user_id = ? and"
					+ " token_digest = ?", Long.class, fixture.userByEmail.get(amara), sha256(value.getText())))
				.isEqualTo(1);
		}
		// no script, no copy buttons shown
		assertThat(browser.findElements(By.cssSelector("button.copy"))).noneMatch(WebElement::isDisplayed);

		String all = output.getAll() + fixture.out() + fixture.err();
		assertThat(ClaimFixture.tokensIn(all)).isEmpty();
		for (String secret : List.of(link.code(), second.code(), legacyKey, fixture.legacyKeyByEmail.get(amara))) {
			assertThat(all).doesNotContain(secret);
		}
	}

	/** How many tokens the hand-derived expected report gives this user (its CREATED rows). */
	private static int created(String email) {
		return (int) io.keyshift.support.Csv.read(Path.of("src/test/resources/sample-expected/report.csv"))
			.stream()
			.filter(r -> r.get("outcome").equals("CREATED") && r.get("email").equalsIgnoreCase(email))
			.count();
	}

	private String state(ClaimFixture.Link link) {
		return fixture.db.jdbc().queryForObject("select state || '|' || failures from token_claim where id = ?",
				String.class, UUID.fromString(link.claimId()));
	}

	/** Headless Chromium through Debian's chromedriver; fails (never skips) when they are missing. */
	private static WebDriver chromium(boolean javascript) {
		Path binary = Path.of(System.getenv().getOrDefault("KEYSHIFT_CHROMIUM", "/usr/bin/chromium"));
		Path driver = Path.of(System.getenv().getOrDefault("KEYSHIFT_CHROMEDRIVER", "/usr/bin/chromedriver"));
		if (!Files.isExecutable(binary) || !Files.isExecutable(driver)) {
			fail("this test needs " + binary + " and " + driver + " (Debian's chromium and chromium-driver: ./test"
					+ " installs them)");
		}
		ChromeOptions options = new ChromeOptions();
		options.setBinary(binary.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
		if (!javascript) {
			options.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
		}
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(driver.toFile())
			.usingAnyFreePort()
			.build();
		ChromeDriver chrome = new ChromeDriver(service, options);
		chrome.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
		return chrome;
	}

	private static String sha256(String s) throws Exception {
		return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
	}
}
