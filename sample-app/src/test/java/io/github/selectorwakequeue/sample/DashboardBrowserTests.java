package io.github.selectorwakequeue.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard at {@code /} in a real browser: Debian's headless Chromium driven through ChromeDriver. The page
 * loads without console errors and lists the listeners' lanes; a burst click moves the dispatched count and its
 * chart, shows its whole answer, and shows the slow mailer's lane on a worker with events waiting while the tally
 * stays on the reactor; a stall click turns the health badge DOWN naming the stalled listener with its frame and
 * shows its lane {@code STUCK}, a burst clicked meanwhile is still delivered, and afterwards the badge is UP and the
 * lane is back. The layout fits a phone (390 px) and a desktop (1280 px) without horizontal scrolling, checked on
 * the page's geometry, not on pixels; a refused request and a server that stopped answering look like what they
 * are.
 *
 * <p>Writes {@code target/dashboard.png} (desktop, during the stall) and the whole page at each width,
 * {@code target/dashboard-390px.png} and {@code target/dashboard-1280px.png};
 * {@code -Ddashboard.update=true} also writes the first over README's picture, {@code docs/dashboard.png}.
 * Nothing is compared with a picture.
 *
 * <p>Without {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} ({@code apt-get install -y chromium
 * chromium-driver}) the tests are skipped, unless {@code -Dbrowser.required=true} (as {@code .ci/run} sets it)
 * makes them fail. Other locations: {@code -Dbrowser.chromium=...} and {@code -Dbrowser.chromedriver=...}.
 *
 * <p>The tests are independent (each opens the page afresh); {@link Order} only runs the stall, which writes the
 * screenshot, after the burst, so that the picture shows counters the burst has moved.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
// The sample's own settings (stall threshold 5 s), not the "test" profile's: the screenshot is README's picture of
// the sample as it runs.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIf(value = "browserInstalledOrRequired", disabledReason = DashboardBrowserTests.MISSING)
class DashboardBrowserTests {

	static final String MISSING = "needs Chromium and ChromeDriver (/usr/bin/chromium, /usr/bin/chromedriver, or "
			+ "-Dbrowser.chromium / -Dbrowser.chromedriver): apt-get install -y chromium chromium-driver; "
			+ "-Dbrowser.required=true fails instead of skipping";

	private static final Path CHROMIUM = Path.of(System.getProperty("browser.chromium", "/usr/bin/chromium"));

	private static final Path CHROMEDRIVER = Path
		.of(System.getProperty("browser.chromedriver", "/usr/bin/chromedriver"));

	private static final Duration BOUND = Duration.ofSeconds(45);

	private static final int DESKTOP_WIDTH = 1280;

	private static final int DESKTOP_HEIGHT = 1900;

	/** A phone held upright: the CSS width of most current phones. */
	private static final int PHONE_WIDTH = 390;

	private static final int PHONE_HEIGHT = 844;

	private static final Duration UPDATE = Duration.ofSeconds(10);

	/** Longer than the sample's stall threshold (5 s), with time to spare for a burst while it lasts. */
	private static final int STALL_SECONDS = 12;

	private static final Duration STALL_THRESHOLD = Duration.ofSeconds(5);

	private static final String TALLY = "BurstTally.onBurstEvent(BurstEvent)";

	private static final String MAILER = "ReceiptMailer.mailReceipt(BurstEvent)";

	private static final String STALL = "StallHazard.onStallRequested(StallRequested)";

	/** The dashboard's alarm red (CSS {@code --red}), as the browser reports a computed colour. */
	private static final String RED = "rgb(220, 38, 38)";

	private static Path profile;

	private static ChromeDriver browser;

	@LocalServerPort
	private int port;

	/** Skips the class (before any context starts) without a browser, unless one is required. */
	static boolean browserInstalledOrRequired() {
		return browserInstalled() || Boolean.getBoolean("browser.required");
	}

	private static boolean browserInstalled() {
		return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
	}

	@BeforeAll
	static void startBrowser() throws IOException {
		assertTrue(browserInstalled(), "-Dbrowser.required=true, but " + CHROMIUM + " or " + CHROMEDRIVER
				+ " is missing: apt-get install -y chromium chromium-driver");
		profile = Files.createTempDirectory("dashboard-chromium");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--user-data-dir=" + profile, "--window-size=" + DESKTOP_WIDTH + "," + DESKTOP_HEIGHT);
		LoggingPreferences logs = new LoggingPreferences();
		logs.enable(LogType.BROWSER, Level.ALL);
		options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.usingAnyFreePort()
			.build();
		browser = new ChromeDriver(service, options);
		browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20)).scriptTimeout(Duration.ofSeconds(10));
	}

	@AfterAll
	static void stopBrowser() throws IOException {
		if (browser != null) {
			browser.quit();
		}
		if (profile != null) {
			FileSystemUtils.deleteRecursively(profile);
		}
	}

	@BeforeEach
	void openDashboard() {
		severeConsoleEntries(); // drain what an earlier test left, so each test answers for its own page
		browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
		browser.executeCdpCommand("Network.enable", Map.of());
		browser.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
				"downloadThroughput", -1, "uploadThroughput", -1));
		browser.get("http://localhost:" + this.port + "/");
		// The first poll has answered: capacity and the health badge are filled in.
		await().atMost(UPDATE).untilAsserted(() -> {
			assertThat(text("capacity")).isEqualTo("8,192");
			assertThat(text("health")).isEqualTo("UP");
		});
	}

	@Test
	@Order(1)
	void pageLoadsWithoutConsoleErrors() {
		assertTimeoutPreemptively(BOUND, () -> {
			assertThat(browser.getTitle()).startsWith("selector-wake-queue");
			assertThat(text("queue-name")).isEqualTo("selector-wake-queue");
			assertThat(text("policy")).contains("CALLER_RUNS").contains("events routed");
			assertThat(browser.findElement(By.tagName("h1")).getText()).as("the title does not repeat the queue name")
				.containsOnlyOnce("selector-wake-queue");
			// The async/sync bar reads as a share, not as an error: its sync part is not the alarm red.
			assertThat(browser.findElement(By.className("split")).getCssValue("background-color")).isNotEqualTo(RED);
			assertThat(browser.findElement(By.id("stall")).isDisplayed()).isFalse();
			// The lanes of the @EventListener methods exist from the start, all on the reactor.
			assertThat(browser.findElement(By.id("lanes")).isDisplayed()).isTrue();
			for (String listener : List.of(TALLY, MAILER, STALL)) {
				assertThat(laneCell(listener, "mode")).isEqualTo("ON_REACTOR");
				assertThat(laneCell(listener, "depth")).isEqualTo("0");
			}
			assertThat(text("lanes-off")).isEqualTo("0");
			assertThat(text("handoffs")).isEqualTo("0");
			// A few polls later, still nothing on the console.
			String updated = text("updated");
			await().atMost(UPDATE).until(() -> !text("updated").equals(updated));
			assertThat(severeConsoleEntries()).isEmpty();
		});
	}

	@Test
	@Order(2)
	void burstClickMovesTheDispatchedCountAndItsChart() {
		assertTimeoutPreemptively(BOUND, () -> {
			long dispatchedBefore = number("dispatched-total");
			String chartBefore = chartImage("chart-dispatched");

			browser.findElement(By.id("burst")).click();

			await().atMost(Duration.ofSeconds(30)).until(() -> text("answer").contains("\"allDelivered\""));
			DocumentContext answer = answerJson();
			assertThat(answer.read("$.allDelivered", Boolean.class)).isTrue();
			long onReactor = answer.read("$.deliveredOnReactor", Long.class);
			assertThat(onReactor).isPositive();
			assertThat(browser.findElement(By.id("answer")).getDomAttribute("data-outcome")).isEqualTo("ok");
			assertThat(asLong(script("const a = document.getElementById('answer'); return a.scrollHeight - a.clientHeight;")))
				.as("the whole answer shows, listeners included").isLessThanOrEqualTo(1);
			await().atMost(UPDATE).untilAsserted(() -> {
				assertThat(number("dispatched-total") - dispatchedBefore).isGreaterThanOrEqualTo(onReactor);
				assertThat(Double.parseDouble(browser.findElement(By.id("chart-dispatched")).getDomAttribute("data-peak")))
					.isPositive();
				assertThat(chartImage("chart-dispatched")).isNotEqualTo(chartBefore);
			});
			// The ~1 ms mailer has moved to a worker and works through its backlog (20,000 events take it at least
			// 20 s); the tally, quick, stayed on the reactor.
			assertThat(answer.read("$.listeners[?(@.listener == '" + MAILER + "')].mode", List.class))
				.containsExactly("ON_WORKER");
			await().atMost(UPDATE).untilAsserted(() -> {
				assertThat(laneCell(MAILER, "mode")).isEqualTo("ON_WORKER");
				assertThat(laneNumber(MAILER, "depth")).isPositive();
				assertThat(laneNumber(MAILER, "rate")).isPositive();
				assertThat(laneCell(MAILER, "cost")).endsWith(" ms");
				assertThat(laneCell(TALLY, "mode")).isEqualTo("ON_REACTOR");
				assertThat(laneCell(TALLY, "depth")).isEqualTo("0");
				assertThat(number("lanes-waiting")).isPositive();
				assertThat(Double.parseDouble(browser.findElement(By.id("chart-lanes")).getDomAttribute("data-peak")))
					.isPositive();
			});
			assertThat(severeConsoleEntries()).isEmpty();
		});
	}

	@Test
	@Order(3)
	void stallClickShowsTheStuckLaneWhileABurstIsStillDeliveredThenUp() {
		assertTimeoutPreemptively(BOUND, () -> {
			// The input says how long a stall must last to turn health DOWN: the stall threshold.
			await().atMost(UPDATE).until(() -> text("stall-hint").contains("lasts " + STALL_THRESHOLD.toSeconds() + " s"));
			long handOffs = number("handoffs");
			WebElement seconds = browser.findElement(By.id("stall-seconds"));
			seconds.clear();
			seconds.sendKeys(String.valueOf(STALL_SECONDS));
			browser.findElement(By.id("hazard-stall")).click();

			// Handed off after lanes.stuck-threshold (100 ms), and DOWN after the stall threshold, naming the listener.
			await().atMost(STALL_THRESHOLD.plus(UPDATE)).untilAsserted(() -> {
				assertThat(text("health")).isEqualTo("DOWN");
				assertThat(browser.findElement(By.id("stall")).isDisplayed()).isTrue();
				assertThat(text("stall-listener")).isEqualTo(STALL);
				assertThat(text("stall-frames")).contains("StallHazard.onStallRequested");
				assertThat(laneCell(STALL, "mode")).isEqualTo("STUCK");
				// The reactor left it running on its thread: the thread it keeps is the former reactor, not the reactor.
				assertThat(laneCell(STALL, "running")).contains("former reactor thread");
				// At least this one: on a loaded machine the burst before may have made the reactor hand off too.
				assertThat(number("handoffs")).isGreaterThan(handOffs);
			});
			assertThat(browser.findElement(By.id("stall-everything")).isDisplayed()).isFalse();

			// A burst now is still delivered: only the stalled listener's lane waits.
			long dispatchedBefore = number("dispatched-total");
			browser.findElement(By.id("burst")).click();
			await().atMost(Duration.ofSeconds(STALL_SECONDS)).until(() -> text("answer").contains("\"allDelivered\""));
			DocumentContext answer = answerJson();
			assertThat(answer.read("$.allDelivered", Boolean.class)).isTrue();
			long onReactor = answer.read("$.deliveredOnReactor", Long.class);
			await().atMost(UPDATE).untilAsserted(() -> {
				assertThat(number("dispatched-total") - dispatchedBefore).isGreaterThanOrEqualTo(onReactor);
				assertThat(number("depth")).isZero();
				assertThat(laneCell(MAILER, "mode")).isEqualTo("ON_WORKER");
			});
			assertThat(text("health")).as("delivered while the stall lasts").isEqualTo("DOWN");
			assertThat(laneCell(STALL, "mode")).isEqualTo("STUCK");
			saveScreenshot(Path.of("target", "dashboard.png"));
			if (Boolean.getBoolean("dashboard.update")) {
				saveScreenshot(Path.of("..", "docs", "dashboard.png")); // README's picture (run from sample-app/)
			}

			await().atMost(Duration.ofSeconds(STALL_SECONDS + 10)).untilAsserted(() -> {
				assertThat(text("health")).isEqualTo("UP");
				assertThat(browser.findElement(By.id("stall")).isDisplayed()).isFalse();
				// Back: no longer stuck, nothing running; on a worker, as a listener that stalled counts as slow.
				assertThat(laneCell(STALL, "mode")).isEqualTo("ON_WORKER");
				assertThat(laneCell(STALL, "running")).isEqualTo("\u2013");
				assertThat(laneCell(STALL, "depth")).isEqualTo("0");
			});
			assertThat(severeConsoleEntries()).isEmpty();
		});
	}

	@ParameterizedTest(name = "{0} px wide")
	@ValueSource(ints = { PHONE_WIDTH, DESKTOP_WIDTH })
	@Order(4)
	void theLayoutFitsTheWidthWithoutScrollingSideways(int width) {
		assertTimeoutPreemptively(BOUND, () -> {
			emulateWidth(width, (width == PHONE_WIDTH) ? PHONE_HEIGHT : DESKTOP_HEIGHT);
			await().atMost(UPDATE).untilAsserted(() -> assertThat(laneCell(TALLY, "mode")).isEqualTo("ON_REACTOR"));
			long viewport = asLong(script("return document.documentElement.clientWidth;"));
			assertThat(viewport).isEqualTo(width);
			assertThat(asLong(script("return document.documentElement.scrollWidth;"))).as("page width")
				.isEqualTo(viewport);
			// Nothing sticks out on the right: every element of the page ends inside the viewport.
			assertThat((String) script("return [...document.querySelectorAll('body *')].filter((e) => e.getClientRects().length"
					+ " && e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)"
					+ ".map((e) => e.tagName + '#' + e.id + '.' + e.className).join(' ');")).isEmpty();
			assertThat(asLong(script("return Math.round(document.querySelector('header').getBoundingClientRect().width);")))
				.as("the header's background spans the page").isEqualTo(viewport);
			// The cards fill their rows: as many in each row, no empty slot in the last.
			String rows = (String) script("const tops = {}; document.querySelectorAll('main > .card:not(.wide)')"
					+ ".forEach((c) => { const t = Math.round(c.getBoundingClientRect().top); tops[t] = (tops[t] || 0) + 1; });"
					+ " return Object.values(tops).join(',');");
			assertThat(rows.split(",")).as("cards per row: " + rows).containsOnly(rows.split(",")[0]);
			// Legends keep to one line: every key of a legend on the same line.
			assertThat((String) script("return [...document.querySelectorAll('.legend')].filter((l) => new Set([...l.children]"
					+ ".map((k) => Math.round(k.getBoundingClientRect().top))).size > 1).map((l) => l.parentElement.id"
					+ " || l.textContent.trim()).join(' | ');")).isEmpty();
			// The lanes chart ends above the table: its zero line is not drawn on the table's header.
			assertThat(asLong(script("return Math.round(document.querySelector('#lanes table').getBoundingClientRect().top"
					+ " - document.getElementById('chart-lanes').getBoundingClientRect().bottom);")))
				.isGreaterThanOrEqualTo(6);
			saveFullPageScreenshot(Path.of("target", "dashboard-" + width + "px.png"));
			assertThat(severeConsoleEntries()).isEmpty();
		});
	}

	@Test
	@Order(5)
	void aRefusedRequestLooksLikeAFailureAndSaysWhy() {
		assertTimeoutPreemptively(BOUND, () -> {
			WebElement seconds = browser.findElement(By.id("stall-seconds"));
			seconds.clear();
			seconds.sendKeys("0");
			browser.findElement(By.id("hazard-stall")).click();
			await().atMost(UPDATE).until(() -> text("answer").contains("HTTP 400"));
			WebElement answer = browser.findElement(By.id("answer"));
			assertThat(answer.getDomAttribute("data-outcome")).isEqualTo("error");
			assertThat(answer.getText()).contains("'seconds' was '0', allowed: 1 to 120");
			assertThat(answer.getCssValue("border-color")).isEqualTo(RED);
			assertThat(text("health")).isEqualTo("UP");
		});
	}

	@Test
	@Order(6)
	void withTheServerGoneTheLastDataIsDimmedAndThePageSaysSo() {
		assertTimeoutPreemptively(BOUND, () -> {
			browser.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", true, "latency", 0,
					"downloadThroughput", -1, "uploadThroughput", -1));
			await().atMost(UPDATE).untilAsserted(() -> {
				assertThat(text("health")).isEqualTo("OFFLINE");
				assertThat(browser.findElement(By.tagName("body")).getDomAttribute("class")).contains("offline");
			});
			assertThat(text("updated")).contains("not answering").doesNotContain("Failed to fetch");
			assertThat(Double.parseDouble(browser.findElement(By.tagName("main")).getCssValue("opacity"))).isLessThan(1);

			browser.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", false, "latency", 0,
					"downloadThroughput", -1, "uploadThroughput", -1));
			await().atMost(UPDATE).untilAsserted(() -> {
				assertThat(text("health")).isEqualTo("UP");
				assertThat(browser.findElement(By.tagName("body")).getDomAttribute("class")).doesNotContain("offline");
			});
			assertThat(severeConsoleEntries()).allSatisfy((entry) -> assertThat(entry).contains("ERR_INTERNET_DISCONNECTED"));
		});
	}

	/** Makes the page as wide as a phone or a desktop screen (Chrome's device emulation, as its DevTools do). */
	private static void emulateWidth(int width, int height) {
		browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
				"deviceScaleFactor", 1, "mobile", width < 600));
		browser.navigate().refresh();
	}

	private static Object script(String script) {
		return browser.executeScript(script);
	}

	private static long asLong(Object value) {
		return ((Number) value).longValue();
	}

	/**
	 * The text of one cell of a listener's row in the lanes table: mode, depth, lag, rate, delivered, cost, running.
	 * Read in one script, as each poll replaces the rows; {@code null} while the row is missing.
	 */
	private static String laneCell(String listener, String column) {
		String cell = "#lanes-body tr[data-listener='" + listener + "'] td." + column;
		return (String) browser.executeScript(
				"const cell = document.querySelector(arguments[0]); return cell ? cell.textContent.trim() : null;", cell);
	}

	private static double laneNumber(String listener, String column) {
		String cell = laneCell(listener, column);
		assertThat(cell).as("lane " + listener).isNotNull();
		return Double.parseDouble(cell.replace(",", ""));
	}

	private static String text(String id) {
		return browser.findElement(By.id(id)).getText().trim();
	}

	private static long number(String id) {
		return Long.parseLong(text(id).replace(",", ""));
	}

	/** The last button's answer: the JSON body after the first line ("POST /burst → HTTP 200 in 420 ms"). */
	private static DocumentContext answerJson() {
		String answer = text("answer");
		return JsonPath.parse(answer.substring(answer.indexOf('\n') + 1));
	}

	private static String chartImage(String id) {
		return (String) browser.executeScript("return arguments[0].toDataURL();", browser.findElement(By.id(id)));
	}

	/** Console entries at SEVERE since the last call (the browser log is drained on each read). */
	private static List<String> severeConsoleEntries() {
		return browser.manage().logs().get(LogType.BROWSER).getAll().stream()
			.filter((entry) -> entry.getLevel().intValue() >= Level.SEVERE.intValue())
			.map(LogEntry::toString)
			.toList();
	}

	/** The whole page, below the fold too (Chrome's own capture), for people to look at. */
	private static void saveFullPageScreenshot(Path target) throws IOException {
		Files.createDirectories(target.getParent());
		Map<String, Object> shot = browser.executeCdpCommand("Page.captureScreenshot",
				Map.of("format", "png", "captureBeyondViewport", true));
		Files.write(target, Base64.getDecoder().decode((String) shot.get("data")));
	}

	private static void saveScreenshot(Path target) throws IOException {
		Files.createDirectories(target.getParent());
		browser.executeScript("window.scrollTo(0, 0);"); // a click scrolls its button into view
		Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
	}

}
