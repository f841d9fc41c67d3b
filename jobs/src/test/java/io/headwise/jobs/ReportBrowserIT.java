package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.headwise.report.HtmlReport;
import io.headwise.report.ReportSamples;
import io.headwise.testing.CliRun;
import io.headwise.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens reports from {@code file://} in Debian's headless Chromium ({@code /usr/bin/chromium}
 * through {@code /usr/bin/chromedriver}; nothing is downloaded) and checks what a reader sees:
 * no console errors, every chart, the click-to-enlarge grid, and that hostile corpus text runs
 * nothing. Skipped where those packages are not installed.
 *
 * <p>{@code HEADWISE_REPORT_HTML} names an existing report (the demo's) to check and time as
 * well; {@code HEADWISE_SCREENSHOT} where its screenshot goes (default {@code target/}).
 */
class ReportBrowserIT {

    private static final Logger LOG = LoggerFactory.getLogger(ReportBrowserIT.class);
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path TARGET = Path.of("target");

    private static ChromeDriver driver;
    private static Path profile;

    @BeforeAll
    static void startBrowser() throws IOException {
        assumeTrue(
                Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "browser test skipped: Debian's chromium and chromium-driver are not installed"
                        + " (/usr/bin/chromium, /usr/bin/chromedriver; apt-get install chromium chromium-driver)");
        profile = Files.createTempDirectory("headwise-chromium");
        ChromeOptions options = new ChromeOptions();
        // An explicit binary and driver: Selenium Manager is never asked to find or fetch one.
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-default-apps",
                "--disable-extensions",
                "--user-data-dir=" + profile,
                "--window-size=1360,1000");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() throws IOException {
        if (driver != null) {
            driver.quit();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void reportOfARunShowsEverySectionAndEnlargesAClickedHead(@TempDir Path tmp) throws Exception {
        Path runDir = tmp.resolve("run");
        ReportTables.writeAll(SparkTestSession.get(), runDir);
        Path model = ReportTables.modelWithCurve(tmp.resolve("model"));
        Path html = tmp.resolve("report.html");
        CliRun run = CliRun.of(
                "report", "--tables", runDir.toString(), "--model", model.toString(), "--out", html.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();

        List<String> errors = open(html);
        assertThat(errors).as("console errors").isEmpty();
        // gpt2-tiny: 2 layers x 2 heads.
        assertThat(count("#text-0 figure.attention")).isEqualTo(4);
        assertThat(count("#text-0 canvas.thumb")).isEqualTo(4);
        assertThat(count("#text-0 .saliency-row")).isEqualTo(2);
        assertThat(count("#text-0 .saliency-row .tok")).isEqualTo(2 * 16);
        assertThat(count("#text-0 figure.resid")).isEqualTo(1);
        assertThat(count("#corpus figure.summary:not(.probe)")).isEqualTo(10); // 9 statistics + output_norm
        assertThat(count("#corpus figure.probe")).isEqualTo(3);
        assertThat(count("#corpus figure.clusters")).isEqualTo(1);
        assertThat(count("#embedding figure.embedding")).isEqualTo(1);
        assertThat(count("#training figure.curve")).isEqualTo(1);
        assertThat(count("figure.chart figcaption")).isEqualTo(count("figure.chart"));

        WebElement head = driver.findElement(By.cssSelector("#text-0 canvas.thumb[data-layer='1'][data-head='0']"));
        head.click();
        WebElement zoom = driver.findElement(By.id("zoom"));
        assertThat(zoom.isDisplayed()).isTrue();
        assertThat(zoom.getAttribute("data-layer")).isEqualTo("1");
        assertThat(zoom.getAttribute("data-head")).isEqualTo("0");
        assertThat(driver.findElement(By.id("zoom-title")).getText()).startsWith("Layer 1 · Head 0");
        assertThat(count("#zoom figure.zoomed[data-layer='1'][data-head='0'] canvas"))
                .isEqualTo(1);
        Files.copy(
                driver.getScreenshotAs(OutputType.FILE).toPath(),
                TARGET.resolve("report-zoom.png"),
                StandardCopyOption.REPLACE_EXISTING);
        driver.findElement(By.tagName("body")).sendKeys(Keys.ESCAPE);
        assertThat(zoom.isDisplayed()).isFalse();
        screenshot(TARGET.resolve("report-hand-made.png"), 6000);
        assertThat(consoleErrors()).isEmpty();
        assertTilesAndScalesReadAsTheirValues();
    }

    @Test
    void hostileCorpusTextRendersAsTextAndRunsNothing(@TempDir Path tmp) throws Exception {
        Path html = tmp.resolve("hostile.html");
        HtmlReport.write(ReportSamples.hostile(), html);
        List<String> errors = open(html);
        assertThat(errors)
                .as("console errors (a CSP violation would show here)")
                .isEmpty();
        assertThat(driver.executeScript("return typeof window.__pwned")).isEqualTo("undefined");
        assertThat(driver.executeScript("return document.images.length")).isEqualTo(0L);
        assertThat(driver.executeScript("return document.scripts.length")).isEqualTo(2L);
        assertThat(driver.getTitle()).isEqualTo(ReportSamples.HOSTILE_TITLE);
        assertThat(driver.findElement(By.cssSelector("header.top h1")).getText())
                .isEqualTo(ReportSamples.HOSTILE_TITLE);
        List<String> tokens = driver.findElements(By.cssSelector("#text-0 > .tokens .tok")).stream()
                .map(e -> (String) driver.executeScript("return arguments[0].textContent", e))
                .toList();
        assertThat(tokens).containsExactly(ReportSamples.HOSTILE_TOKENS);
        String topTokens = (String) driver.executeScript("return document.querySelector('#corpus table').textContent");
        assertThat(topTokens).contains("\"><img␣src=x␣onerror=window.__pwned=2>"); // blanks shown as ␣
        driver.findElement(By.cssSelector("#text-0 canvas.thumb")).click();
        assertThat(driver.executeScript("return typeof window.__pwned")).isEqualTo("undefined");
        assertThat(consoleErrors()).isEmpty();
    }

    @Test
    void gpt2SizedReportRendersEveryHead(@TempDir Path tmp) throws Exception {
        Path html = tmp.resolve("gpt2-sized.html");
        long bytes = HtmlReport.write(ReportSamples.gpt2Sized(32), html);
        assertThat(open(html)).as("console errors").isEmpty();
        assertThat(count("#text-0 figure.attention")).isEqualTo(144);
        assertThat(count("#text-0 canvas.thumb")).isEqualTo(144);
        assertThat(count("#embedding figure.embedding")).isEqualTo(1);
        String line = String.format(
                "gpt2-sized report (12 x 12 heads, 32 tokens, 50,257 embeddings): %,d bytes, script render %.0f ms",
                bytes, ((Number) driver.executeScript("return window.__renderMs")).doubleValue());
        LOG.info(line);
        System.out.println(line);
    }

    @Test
    @SuppressWarnings("unchecked")
    void ablationSectionShowsTheSweepAndAClickedHeadShowsItsDeltaPerPosition(@TempDir Path tmp) throws Exception {
        Path runDir = tmp.resolve("run");
        ReportTables.writeAll(SparkTestSession.get(), runDir);
        ReportTables.writeHeadAblation(SparkTestSession.get(), runDir);
        Path html = tmp.resolve("report.html");
        CliRun run = CliRun.of(
                "report",
                "--tables",
                runDir.toString(),
                "--model",
                io.headwise.testing.Fixtures.gpt2Tiny().toString(),
                "--out",
                html.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("head_ablation +6 rows +read");

        assertThat(open(html)).as("console errors").isEmpty();
        // The run has a zero sweep and no mean ablation: one heatmap.
        assertThat(count("#ablation figure.ablation.zero")).isEqualTo(1);
        assertThat(count("#ablation figure.ablation.mean")).isZero();
        WebElement proxy = driver.findElement(By.cssSelector("#ablation figure.proxy"));
        assertThat(proxy.getAttribute("data-spearman")).isEqualTo("0.8");
        assertThat(proxy.getAttribute("data-points")).isEqualTo("4");
        assertThat(proxy.findElement(By.tagName("figcaption")).getText()).contains("Spearman ρ = 0.800");
        List<String> others =
                driver.findElements(By.cssSelector("#ablation table.others tbody tr td:first-child")).stream()
                        .map(WebElement::getText)
                        .toList();
        assertThat(others).containsExactlyInAnyOrder("merge 1.0+1@0.5", "zero 0.0 & zero 1.1");
        List<String> links = driver.findElements(By.cssSelector("nav.toc a")).stream()
                .map(a -> a.getAttribute("href").replaceAll(".*#", ""))
                .toList();
        assertThat(links.indexOf("ablation")).isEqualTo(links.indexOf("corpus") + 1);

        // Remove one head: 2 × 2 cells, each showing its text's Δ from the data.
        List<List<Object>> delta = (List<List<Object>>) driver.executeScript(
                "return JSON.parse(document.getElementById('data').textContent).ablation.texts[0].delta");
        List<WebElement> cells = driver.findElements(By.cssSelector("#text-0 .removal-grid .cell"));
        assertThat(cells).hasSize(4);
        for (WebElement cell : cells) {
            int l = Integer.parseInt(cell.getAttribute("data-layer"));
            int h = Integer.parseInt(cell.getAttribute("data-head"));
            double expected = ((Number) delta.get(l).get(h)).doubleValue();
            assertThat(Double.parseDouble(cell.getAttribute("data-value"))).isEqualTo(expected);
            assertThat(number(cell.getText()))
                    .as("cell %d.%d shows %s", l, h, cell.getText())
                    .isCloseTo(expected, org.assertj.core.api.Assertions.within(5e-3 * Math.abs(expected)));
        }
        assertThat(count("#text-0 figure.removal-positions")).isZero();
        driver.findElement(By.cssSelector("#text-0 .removal-grid .cell[data-layer='1'][data-head='0']"))
                .click();
        assertThat(count("#text-0 figure.removal-positions[data-layer='1'][data-head='0'] canvas"))
                .isEqualTo(1);
        assertThat(count("#text-0 .removal-grid .cell.selected")).isEqualTo(1);
        driver.findElement(By.cssSelector("#text-0 .removal-grid .cell[data-layer='0'][data-head='1']"))
                .click();
        assertThat(count("#text-0 figure.removal-positions")).isEqualTo(1);
        assertThat(count("#text-0 figure.removal-positions[data-layer='0'][data-head='1']"))
                .isEqualTo(1);
        assertThat(consoleErrors()).isEmpty();
        assertTilesAndScalesReadAsTheirValues();
        screenshot(TARGET.resolve("report-ablation.png"), 6000);

        // Without head_ablation the section says how to make it.
        Files.walk(runDir.resolve("head_ablation"))
                .sorted(Comparator.reverseOrder())
                .forEach(p -> p.toFile().delete());
        Path plain = tmp.resolve("plain.html");
        CliRun again = CliRun.of(
                "report",
                "--tables",
                runDir.toString(),
                "--model",
                io.headwise.testing.Fixtures.gpt2Tiny().toString(),
                "--out",
                plain.toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(open(plain)).as("console errors").isEmpty();
        assertThat(driver.findElement(By.cssSelector("#ablation p.notice")).getText())
                .contains("head_ablation not computed", "--sweep zero");
        assertThat(count("#text-0 .removal-grid .cell")).isEqualTo(4);
    }

    /**
     * The explanation views of {@code .muhamadibrahim.} through gpt2-tiny (BPE pieces): the three
     * matrices beside each other, the logit lens whose last block is the model's own prediction,
     * the raw/value-weighted switch of the head grid, and the relevance of a clicked position.
     */
    @Test
    @SuppressWarnings("unchecked")
    void explanationViewsOfATextHaveContentSwitchAndShowRelevance(@TempDir Path tmp) throws Exception {
        Path html = reportWithExplanations(tmp);
        assertThat(open(html)).as("console errors").isEmpty();
        assertThat(driver.executeScript("return document.body.dataset.explained"))
                .isEqualTo("true");
        Map<String, Object> text = (Map<String, Object>)
                driver.executeScript("return JSON.parse(document.getElementById('data').textContent).texts[0]");
        assertThat(text.get("text")).isEqualTo(".muhamadibrahim.");
        int tokens = ((List<?>) text.get("tokens")).size();
        assertThat(tokens).isGreaterThan(3);
        Map<String, Object> explain = (Map<String, Object>) text.get("explain");
        // Rollout rows and grad_rollout rows are distributions over keys 0..q (4 digits kept).
        List<List<Number>> rollout = (List<List<Number>>) explain.get("rollout");
        List<List<Number>> gradRollout = (List<List<Number>>) explain.get("grad_rollout");
        assertThat(rollout).hasSize(tokens);
        assertThat(gradRollout).hasSize(tokens - 1);
        for (List<List<Number>> m : List.of(rollout, gradRollout)) {
            for (int q = 0; q < m.size(); q++) {
                assertThat(m.get(q)).hasSize(q + 1);
                assertThat(m.get(q).stream().mapToDouble(Number::doubleValue).sum())
                        .isCloseTo(1.0, org.assertj.core.api.Assertions.within(2e-3));
            }
        }
        // The last block's logit lens at the last position is the model's own next-token prediction.
        Map<String, Object> lens = (Map<String, Object>) explain.get("lens");
        List<List<String>> top = (List<List<String>>) lens.get("top_token");
        List<List<Number>> topProb = (List<List<Number>>) lens.get("top_prob");
        assertThat(top).hasSize(ReportTables.LAYERS);
        assertThat(top.get(ReportTables.LAYERS - 1).get(tokens - 1)).isEqualTo(text.get("next_token"));
        assertThat(topProb.get(ReportTables.LAYERS - 1).get(tokens - 1).doubleValue())
                .isCloseTo(
                        ((Number) text.get("next_token_prob")).doubleValue(),
                        org.assertj.core.api.Assertions.within(1e-3));

        assertThat(count("#text-0 figure.layer-mean canvas")).isEqualTo(1);
        assertThat(count("#text-0 figure.rollout canvas")).isEqualTo(1);
        assertThat(count("#text-0 figure.grad-rollout canvas")).isEqualTo(1);
        for (String cls : List.of("layer-mean", "rollout", "grad-rollout")) {
            assertThat(colours("#text-0 figure." + cls + " canvas"))
                    .as(cls + " draws cells")
                    .isGreaterThan(3);
        }
        // Logit lens: one row per block, one cell per position, each naming a token.
        assertThat(count("#text-0 table.lens td.position")).isEqualTo(ReportTables.LAYERS * tokens);
        List<String> cells = driver.findElements(By.cssSelector("#text-0 table.lens td.position")).stream()
                .map(e -> (String) driver.executeScript("return arguments[0].textContent", e))
                .toList();
        assertThat(cells).allSatisfy(c -> assertThat(c).isNotEmpty());
        assertThat(count("#text-0 table.lens td.position[data-target-prob]"))
                .isEqualTo(ReportTables.LAYERS * (tokens - 1));
        // The layer-mean chart follows its layer selector.
        driver.executeScript("const s = document.querySelector('#text-0 select.mean-layer');"
                + " s.value = '0'; s.dispatchEvent(new Event('change'))");
        assertThat(driver.findElement(By.cssSelector("#text-0 figure.layer-mean"))
                        .getAttribute("data-layer"))
                .isEqualTo("0");

        // Switch the head grid to value-weighted and back.
        String thumb = "#text-0 canvas.thumb[data-layer='1'][data-head='1']";
        String raw = pixels(thumb);
        driver.findElement(By.cssSelector("#text-0 .pattern-switch button[data-mode='value_weighted']"))
                .click();
        assertThat(driver.findElement(By.cssSelector("#text-0 .head-grid")).getAttribute("data-mode"))
                .isEqualTo("value_weighted");
        assertThat(pixels(thumb))
                .as("value-weighted thumbnail differs from the raw one")
                .isNotEqualTo(raw);
        driver.findElement(By.cssSelector(thumb)).click();
        assertThat(count("#zoom figure.zoomed.value-weighted[data-layer='1'][data-head='1'] canvas"))
                .isEqualTo(1);
        driver.findElement(By.tagName("body")).sendKeys(Keys.ESCAPE);
        driver.findElement(By.cssSelector("#text-0 .pattern-switch button[data-mode='raw']"))
                .click();
        assertThat(pixels(thumb)).as("raw again").isEqualTo(raw);

        // Click position 3: its prediction's relevance over tokens 0..3.
        driver.findElement(By.cssSelector("#text-0 table.lens th.position[data-position='3']"))
                .click();
        assertThat(count("#text-0 .relevance[data-position='3'] .saliency-row")).isEqualTo(2);
        assertThat(count("#text-0 .relevance .saliency-row .tok")).isEqualTo(2 * 4);
        elementShot("#text-0 .explain", TARGET.resolve("report-explain-text.png"));
        String firstTitle = driver.findElement(By.cssSelector("#text-0 .relevance .saliency-row .tok"))
                .getAttribute("title");
        assertThat(firstTitle).startsWith("position 0: grad_rollout = ");
        assertThat(number(firstTitle.substring(firstTitle.indexOf("= ") + 2)))
                .isCloseTo(gradRollout.get(3).get(0).doubleValue(), org.assertj.core.api.Assertions.within(5e-3));
        // The second row: gradient × input of prediction 3's own loss, from the data.
        List<List<Number>> gradX = (List<List<Number>>) explain.get("grad_x_input_by_prediction");
        assertThat(gradX).hasSize(tokens - 1);
        assertThat(gradX.get(3)).hasSize(4);
        String xTitle = driver.findElements(By.cssSelector("#text-0 .relevance .saliency-row"))
                .get(1)
                .findElement(By.cssSelector(".tok"))
                .getAttribute("title");
        assertThat(xTitle).startsWith("position 0: grad_x_input (this prediction) = ");
        double want = gradX.get(3).get(0).doubleValue();
        assertThat(number(xTitle.substring(xTitle.indexOf("= ") + 2)))
                .isCloseTo(want, org.assertj.core.api.Assertions.within(5e-3 * Math.max(1, Math.abs(want))));
        driver.findElement(By.cssSelector(
                        "#text-0 table.lens td.position[data-layer='0'][data-position='" + (tokens - 1) + "']"))
                .click();
        assertThat(driver.findElement(By.cssSelector("#text-0 .relevance")).getText())
                .contains("is the last");

        // Corpus: layer_summary as curves, output_norm as a layer × head heatmap.
        assertThat(count("#corpus figure.layer-summary canvas")).isEqualTo(1);
        assertThat(count("#corpus figure.layer-summary-rank canvas")).isEqualTo(1);
        assertThat(driver.findElements(By.cssSelector("#corpus figure.summary figcaption")).stream()
                        .map(WebElement::getText))
                .contains("output_norm");
        assertThat(consoleErrors()).isEmpty();
        assertTilesAndScalesReadAsTheirValues();
    }

    /** Both 3-D views turn on a drag (angles and pixels change); a click on a head opens its pattern. */
    @Test
    void threeDimensionalViewsTurnOnADragAndAHeadOpensItsPattern(@TempDir Path tmp) throws Exception {
        Path html = reportWithExplanations(tmp);
        assertThat(open(html)).as("console errors").isEmpty();
        assertTurnsOnADrag("#embedding figure.embedding-3d canvas");
        assertTurnsOnADrag("#architecture figure.architecture-3d canvas");
        // The architecture: one box per head, parameter counts of gpt2-tiny, a click opens a head.
        @SuppressWarnings("unchecked")
        Map<String, Object> arch = (Map<String, Object>) driver.executeScript(
                "return JSON.parse(document.getElementById('data').textContent).model.architecture");
        @SuppressWarnings("unchecked")
        Map<String, Object> model = (Map<String, Object>)
                driver.executeScript("return JSON.parse(document.getElementById('data').textContent).model");
        assertThat(arch.get("total_parameters")).isEqualTo(model.get("total_parameters"));
        WebElement view = driver.findElement(By.cssSelector("#architecture figure.architecture-3d canvas"));
        @SuppressWarnings("unchecked")
        List<Number> point = (List<Number>) driver.executeScript("return arguments[0].headPoint(1, 0)", view);
        assertThat(point).as("head L1H0 visible").isNotNull();
        org.openqa.selenium.Rectangle box = view.getRect();
        new Actions(driver)
                .moveToElement(view, (int) Math.round(point.get(0).doubleValue() - box.getWidth() / 2.0), (int)
                        Math.round(point.get(1).doubleValue() - box.getHeight() / 2.0))
                .click()
                .perform();
        WebElement zoom = driver.findElement(By.id("zoom"));
        assertThat(zoom.isDisplayed()).isTrue();
        assertThat(zoom.getAttribute("data-layer")).isEqualTo("1");
        assertThat(zoom.getAttribute("data-head")).isEqualTo("0");
        assertThat(driver.findElement(By.cssSelector("#architecture figure.architecture-3d"))
                        .getAttribute("data-selected"))
                .isEqualTo("L1 H0");
        driver.findElement(By.tagName("body")).sendKeys(Keys.ESCAPE);
        elementShot("#architecture figure.architecture-3d", TARGET.resolve("report-architecture-3d.png"));
        elementShot("#embedding figure.embedding-3d", TARGET.resolve("report-embedding-3d.png"));
        assertThat(consoleErrors()).isEmpty();
    }

    /** A drag of 120 px right and 25 px down turns the view: its angles and its pixels change. */
    private static void assertTurnsOnADrag(String css) {
        WebElement view = driver.findElement(By.cssSelector(css));
        driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", view);
        String yaw = view.getAttribute("data-yaw");
        String pitch = view.getAttribute("data-pitch");
        String before = pixels(css);
        assertThat(colours(css)).as(css + " draws something").isGreaterThan(3);
        new Actions(driver)
                .moveToElement(view, 10, 10)
                .clickAndHold()
                .moveByOffset(60, 0)
                .moveByOffset(60, 25)
                .release()
                .perform();
        assertThat(view.getAttribute("data-yaw")).as(css + " yaw").isNotEqualTo(yaw);
        assertThat(Double.parseDouble(view.getAttribute("data-yaw")) - Double.parseDouble(yaw))
                .as("120 px right turn 0.01 rad per px")
                .isCloseTo(Math.toDegrees(1.2), org.assertj.core.api.Assertions.within(0.2));
        assertThat(view.getAttribute("data-pitch")).as(css + " pitch").isNotEqualTo(pitch);
        assertThat(pixels(css)).as(css + " redrawn").isNotEqualTo(before);
    }

    /** report on gpt2-tiny for {@code .muhamadibrahim.} with every corpus table, layer_summary included. */
    private static Path reportWithExplanations(Path tmp) throws IOException {
        Path runDir = tmp.resolve("run");
        ReportTables.writeAll(SparkTestSession.get(), runDir);
        ReportTables.writeLayerSummary(SparkTestSession.get(), runDir);
        Path model = ReportTables.modelWithCurve(tmp.resolve("model"));
        Path html = tmp.resolve("report.html");
        CliRun run = CliRun.of(
                "report",
                "--tables",
                runDir.toString(),
                "--model",
                model.toString(),
                "--out",
                html.toString(),
                "--text",
                ".muhamadibrahim.");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("layer_summary +2 rows +read");
        return html;
    }

    /** A PNG of the element {@code css} (scrolled into view). */
    private static void elementShot(String css, Path file) throws IOException {
        WebElement e = driver.findElement(By.cssSelector(css));
        driver.executeScript("arguments[0].scrollIntoView({block: 'start'})", e);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.copy(e.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The canvas's pixels as a data URL. */
    private static String pixels(String css) {
        return (String)
                driver.executeScript("return arguments[0].toDataURL()", driver.findElement(By.cssSelector(css)));
    }

    /** How many distinct colours the canvas shows (a blank one shows 1). */
    private static long colours(String css) {
        return (Long) driver.executeScript(
                "const c = arguments[0], d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                        + " const seen = new Set(); for (let i = 0; i < d.length; i += 4)"
                        + " seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2] | (d[i + 3] << 24));"
                        + " return seen.size",
                driver.findElement(By.cssSelector(css)));
    }

    /** The demo's report, when {@code HEADWISE_REPORT_HTML} names one: checked, timed, photographed. */
    @Test
    void givenReportRendersWithoutErrors() throws Exception {
        String given = System.getenv("HEADWISE_REPORT_HTML");
        assumeTrue(given != null && !given.isBlank(), "HEADWISE_REPORT_HTML not set: no existing report to check");
        Path html = Path.of(given);
        long bytes = Files.size(html);
        List<String> errors = open(html);
        assertThat(errors).as("console errors").isEmpty();
        @SuppressWarnings("unchecked")
        Map<String, Object> model = (Map<String, Object>)
                driver.executeScript("return JSON.parse(document.getElementById('data').textContent).model");
        long heads = (Long) model.get("n_layer") * (Long) model.get("n_head");
        assertThat((long) count("#text-0 figure.attention")).isEqualTo(heads);
        assertThat((long) count("#text-0 canvas.thumb")).isEqualTo(heads);
        assertThat(bytes).isLessThan(10L * 1024 * 1024);
        assertTilesAndScalesReadAsTheirValues();
        Object renderMs = driver.executeScript("return window.__renderMs");
        Object loadMs = driver.executeScript("return performance.getEntriesByType('navigation')[0].loadEventEnd");
        String line = String.format(
                "report %s: %,d bytes, script render %.0f ms, load event end %.0f ms",
                html, bytes, ((Number) renderMs).doubleValue(), ((Number) loadMs).doubleValue());
        LOG.info(line);
        System.out.println(line);
        Files.writeString(TARGET.resolve("report-timing.txt"), line + "\n");
        String shot = System.getenv("HEADWISE_SCREENSHOT");
        screenshot(shot == null || shot.isBlank() ? TARGET.resolve("report-screenshot.png") : Path.of(shot), 2100);
    }

    /**
     * The demo's report, when {@code HEADWISE_REPORT_HTML} names one: the explanation views of its
     * first text ({@code .muhamadibrahim.}), the corpus curve of {@code layer_summary} and both 3-D
     * views turning on a drag.
     */
    @Test
    @SuppressWarnings("unchecked")
    void givenReportShowsTheExplanationAndThreeDimensionalViews() throws Exception {
        String given = System.getenv("HEADWISE_REPORT_HTML");
        assumeTrue(given != null && !given.isBlank(), "HEADWISE_REPORT_HTML not set: no existing report to check");
        assertThat(open(Path.of(given))).as("console errors").isEmpty();
        Map<String, Object> data = (Map<String, Object>)
                driver.executeScript("return JSON.parse(document.getElementById('data').textContent)");
        Map<String, Object> text = ((List<Map<String, Object>>) data.get("texts")).get(0);
        Map<String, Object> model = (Map<String, Object>) data.get("model");
        int tokens = ((List<?>) text.get("tokens")).size();
        long layers = (Long) model.get("n_layer");
        LOG.info("given report, text 0: {}", text.get("text"));
        assertThat(text.get("explain")).as("explanations of text 0").isNotNull();
        for (String cls : List.of("layer-mean", "rollout", "grad-rollout")) {
            assertThat(colours("#text-0 figure." + cls + " canvas")).as(cls).isGreaterThan(3);
        }
        assertThat((long) count("#text-0 table.lens td.position")).isEqualTo(layers * tokens);
        driver.findElement(By.cssSelector("#text-0 .pattern-switch button[data-mode='value_weighted']"))
                .click();
        assertThat(driver.findElement(By.cssSelector("#text-0 .head-grid")).getAttribute("data-mode"))
                .isEqualTo("value_weighted");
        driver.findElement(By.cssSelector("#text-0 table.lens th.position[data-position='1']"))
                .click();
        assertThat(count("#text-0 .relevance[data-position='1'] .saliency-row .tok"))
                .isEqualTo(2 * 2);
        // The demo writes layer_summary; a run without it shows the notice naming the commands.
        Map<String, Object> corpus = (Map<String, Object>) data.get("corpus");
        boolean layerSummary = corpus != null && corpus.get("layer_summary") != null;
        LOG.info("given report has layer_summary: {}", layerSummary);
        assertThat(count("#corpus figure.layer-summary canvas"))
                .as("layer_summary curve")
                .isEqualTo(layerSummary ? 1 : 0);
        if (corpus != null && !layerSummary) {
            assertThat(driver.findElement(By.cssSelector("#corpus .explain .notice"))
                            .getText())
                    .startsWith("layer_summary not computed");
        }
        assertThat(((Map<String, Object>) model.get("architecture")).get("total_parameters"))
                .isEqualTo(model.get("total_parameters"));
        assertTurnsOnADrag("#embedding figure.embedding-3d canvas");
        assertTurnsOnADrag("#architecture figure.architecture-3d canvas");
        assertThat(consoleErrors()).isEmpty();
    }

    /**
     * Every tile shows its number to 4 significant digits (a count exactly), the mean loss as
     * {@code d.ddd}, and every scale of every chart (axis ticks, colour bars) has labels that differ
     * from each other and read as their values to 3 significant digits: nothing rounds a loss of
     * 2.0604 to "2", or two ticks 0.0005 apart to the same label.
     */
    @SuppressWarnings("unchecked")
    private static void assertTilesAndScalesReadAsTheirValues() {
        List<List<String>> tiles = (List<List<String>>) driver.executeScript(
                "return [...document.querySelectorAll('.fact')].map(f => [f.querySelector('b').textContent,"
                        + " f.querySelector('b').dataset.value, f.querySelector('span').textContent])");
        assertThat(tiles).isNotEmpty();
        int measured = 0;
        for (List<String> tile : tiles) {
            String shown = tile.get(0), label = tile.get(2);
            Double value = number(tile.get(1));
            if (value == null || shown.equals("–")) {
                continue;
            }
            measured++;
            assertThat(number(shown))
                    .as("tile '%s' shows %s for %s", label, shown, value)
                    .isNotNull();
            assertThat(Math.abs(number(shown) - value))
                    .as("tile '%s' shows %s for %s", label, shown, value)
                    .isLessThanOrEqualTo(5e-4 * Math.abs(value));
            if (label.startsWith("mean loss")) {
                assertThat(shown).as("tile '%s'", label).matches("\\d\\.\\d{3}|\\d{2}\\.\\d{2}");
            }
        }
        assertThat(measured).isGreaterThan(0);
        assertThat(tiles.stream().filter(t -> t.get(2).startsWith("mean loss"))).isNotEmpty();

        List<List<List<List<Object>>>> charts = (List<List<List<List<Object>>>>) driver.executeScript(
                "return [...document.querySelectorAll('canvas[data-scales]')].map(c => JSON.parse(c.dataset.scales))");
        assertThat(charts).as("charts with axes or colour bars").isNotEmpty();
        for (List<List<List<Object>>> chart : charts) {
            for (List<List<Object>> scale : chart) {
                List<String> labels = scale.stream().map(p -> (String) p.get(1)).toList();
                assertThat(labels).as("labels of one scale").doesNotHaveDuplicates();
                double largest = scale.stream()
                        .mapToDouble(p -> Math.abs(((Number) p.get(0)).doubleValue()))
                        .max()
                        .orElse(0);
                for (List<Object> tick : scale) {
                    double v = ((Number) tick.get(0)).doubleValue();
                    assertThat(number((String) tick.get(1)))
                            .as("scale label %s for %s", tick.get(1), v)
                            .isNotNull()
                            .isCloseTo(
                                    v,
                                    org.assertj.core.api.Assertions.within(
                                            5e-3 * Math.max(Math.abs(v), 1e-9 * largest)));
                }
            }
        }
    }

    /** The number a label or data-value reads as (thousands separators allowed), or null. */
    private static Double number(String text) {
        try {
            return Double.parseDouble(text.replace(",", "").replace("−", "-"));
        } catch (NumberFormatException | NullPointerException e) {
            return null;
        }
    }

    /** Loads {@code html} and waits for the page's script to finish; returns console errors. */
    private static List<String> open(Path html) {
        driver.manage().window().setSize(new Dimension(1360, 1000));
        driver.get(html.toUri().toString());
        new WebDriverWait(driver, Duration.ofSeconds(60))
                .until(d -> "true"
                        .equals(((ChromeDriver) d)
                                .executeScript("return document.body && document.body.dataset.rendered")));
        return consoleErrors();
    }

    private static List<String> consoleErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .toList();
    }

    private static int count(String css) {
        return driver.findElements(By.cssSelector(css)).size();
    }

    /** The top of the page, at most {@code maxHeight} px of it, as a PNG 1360 px wide. */
    private static void screenshot(Path file, int maxHeight) throws IOException {
        driver.executeScript("window.scrollTo(0, 0)");
        long height = (Long) driver.executeScript("return Math.ceil(document.documentElement.scrollHeight)");
        driver.manage().window().setSize(new Dimension(1360, (int) Math.min(height + 140, maxHeight)));
        Path png = driver.getScreenshotAs(OutputType.FILE).toPath();
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.copy(png, file, StandardCopyOption.REPLACE_EXISTING);
        driver.manage().window().setSize(new Dimension(1360, 1000));
    }
}
