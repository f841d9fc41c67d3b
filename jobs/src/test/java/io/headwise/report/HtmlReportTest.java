package io.headwise.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class HtmlReportTest {

    private static final Pattern DATA =
            Pattern.compile("<script type=\"application/json\" id=\"data\">(.*?)</script>", Pattern.DOTALL);

    /** The JSON blob of a page, as the browser's script element would hold it. */
    static JsonObject data(String html) {
        Matcher m = DATA.matcher(html);
        assertThat(m.find()).as("data blob").isTrue();
        return JsonParser.parseString(m.group(1)).getAsJsonObject();
    }

    @Test
    void hostileTextStaysInsideTheDataBlobAndRoundTrips() {
        String html = HtmlReport.html(ReportSamples.hostile());
        // Exactly the two script elements the writer makes; the data cannot close either.
        assertThat(html.split("<script", -1)).hasSize(3);
        assertThat(html.split("</script>", -1)).hasSize(3);
        assertThat(html).doesNotContain("<img", "<!--", "window.__pwned=4>", "\u2028");
        assertThat(html)
                .contains("<title>&lt;/title&gt;&lt;/script&gt;&lt;img src=x onerror=window.__pwned=4&gt;</title>");
        JsonObject data = data(html);
        assertThat(data.get("title").getAsString()).isEqualTo(ReportSamples.HOSTILE_TITLE);
        for (int i = 0; i < ReportSamples.HOSTILE_TOKENS.length; i++) {
            assertThat(data.getAsJsonArray("texts")
                            .get(0)
                            .getAsJsonObject()
                            .getAsJsonArray("tokens")
                            .get(i)
                            .getAsString())
                    .isEqualTo(ReportSamples.HOSTILE_TOKENS[i]);
        }
    }

    @Test
    void scriptSafeEscapesExactlyTheDangerousCharacters() {
        assertThat(HtmlReport.scriptSafe("{\"a\":\"</script>&\u2028\u2029é\"}"))
                .isEqualTo("{\"a\":\"\\u003c/script\\u003e\\u0026\\u2028\\u2029é\"}");
        assertThat(HtmlReport.escapeHtml("<a href=\"x\">'&'</a>"))
                .isEqualTo("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    @Test
    void thePolicyAllowsOnlyThePagesOwnScriptAndNoNetwork() throws Exception {
        String html = HtmlReport.html(ReportSamples.hostile());
        Matcher m = Pattern.compile("<script>(.*?)</script>", Pattern.DOTALL).matcher(html);
        assertThat(m.find()).isTrue();
        String digest = java.util.Base64.getEncoder()
                .encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                        .digest(m.group(1).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(html)
                .contains("default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-" + digest
                        + "'");
        assertThat(html).doesNotContain("http://", "https://");
    }

    @Test
    void numbersKeepFourSignificantDigitsAndNonFiniteBecomesNull() {
        assertThat(ReportJson.number(0.123456).toString()).isEqualTo("0.1235");
        assertThat(ReportJson.number(1234567.0).getAsDouble()).isEqualTo(1235000.0);
        assertThat(ReportJson.number(-2.5e-7).getAsDouble()).isEqualTo(-2.5e-7);
        assertThat(ReportJson.number(Double.NaN).isJsonNull()).isTrue();
        assertThat(ReportJson.number(Double.POSITIVE_INFINITY).isJsonNull()).isTrue();
    }

    @Test
    void theAblationPartCarriesTheTableTheSpearmanValueAndEachTextsRemoval() {
        JsonObject ablation =
                data(HtmlReport.html(ReportSamples.withAblation())).getAsJsonObject("ablation");
        com.google.gson.JsonArray rows = ablation.getAsJsonArray("rows");
        assertThat(rows).hasSize(10);
        JsonObject zero11 = rows.get(6).getAsJsonObject();
        assertThat(zero11.get("intervention").getAsString()).isEqualTo("zero 1.1");
        assertThat(zero11.get("delta_loss").getAsDouble()).isEqualTo(0.4);
        assertThat(zero11.get("grad_proxy").getAsDouble()).isEqualTo(0.04);
        assertThat(rows.get(1).getAsJsonObject().get("grad_proxy").isJsonNull()).isTrue();
        assertThat(rows.get(1).getAsJsonObject().get("delta_ci_low").isJsonNull())
                .isTrue();
        JsonObject joint = rows.get(9).getAsJsonObject();
        assertThat(joint.get("kind").getAsString()).isEqualTo("joint");
        assertThat(joint.get("layer").isJsonNull()).isTrue();
        assertThat(rows.get(8).getAsJsonObject().get("head2").getAsInt()).isEqualTo(1);
        // Ranks 1, 2, 3, 4 against 1, 3, 2, 4: ρ = 1 − 6·2/60.
        assertThat(ablation.get("spearman").getAsDouble()).isEqualTo(0.8);

        JsonObject text = ablation.getAsJsonArray("texts").get(0).getAsJsonObject();
        assertThat(text.get("base_loss").getAsDouble()).isEqualTo(2.0);
        com.google.gson.JsonArray delta = text.getAsJsonArray("delta");
        assertThat(delta.get(1).getAsJsonArray().get(0).getAsDouble()).isEqualTo(0.0);
        assertThat(delta.get(0).getAsJsonArray().get(1).getAsDouble()).isEqualTo(0.25);
        // 2.2 − 2 in float32 arithmetic, to four significant digits.
        assertThat(delta.get(1).getAsJsonArray().get(1).getAsDouble()).isEqualTo(0.3);
        com.google.gson.JsonArray positions = text.getAsJsonArray("position_delta")
                .get(1)
                .getAsJsonArray()
                .get(0)
                .getAsJsonArray();
        assertThat(positions).hasSize(3);
        assertThat(positions.get(0).getAsDouble()).isEqualTo(0.5);
        assertThat(positions.get(1).getAsDouble()).isEqualTo(0.0);
        assertThat(positions.get(2).getAsDouble()).isEqualTo(-0.5);
    }

    @Test
    void aReportWithoutInterventionsHasANullAblationPart() {
        assertThat(data(HtmlReport.html(ReportSamples.hostile()))
                        .get("ablation")
                        .isJsonNull())
                .isTrue();
    }
}
