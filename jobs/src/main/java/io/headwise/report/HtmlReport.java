package io.headwise.report;

import com.google.gson.GsonBuilder;
import io.headwise.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * Writes a {@link ReportData} as one HTML file that works offline from disk: the data as one
 * JSON blob in {@code <script type="application/json" id="data">}, the stylesheet and the
 * drawing script inline (resources {@code report.css}, {@code report.js} beside this class, then
 * {@code explain.js}, {@code view3d.js} and {@code ablation.js}, which draw with what {@code
 * report.js} exposes; one script element).
 *
 * <p>Tokens and titles are untrusted corpus text. They reach the page only inside the JSON blob,
 * where {@code <}, {@code >}, {@code &}, U+2028 and U+2029 are written as {@code \}{@code uXXXX}
 * escapes so that no string can close the script element; the script puts them on the page only
 * through {@code textContent}, attributes and canvas text, never as markup. The page's
 * Content-Security-Policy allows no network at all and only the page's own script (by hash), so
 * even markup that slipped through could neither run nor load anything.
 */
public final class HtmlReport {

    private static final String CSS = resource("report.css") + "\n" + resource("explain.css");
    /** The page's one script: the drawing, then the explanation, 3-D and ablation views, which use it. */
    private static final String JS = resource("report.js")
            + "\n" + resource("explain.js")
            + "\n" + resource("view3d.js")
            + "\n" + resource("ablation.js");

    private HtmlReport() {}

    /** Writes {@code data} to {@code file} (UTF-8), replacing it; returns its size in bytes. */
    public static long write(ReportData data, Path file) {
        byte[] html = html(data).getBytes(StandardCharsets.UTF_8);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(file, html);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report " + file, e);
        }
        return html.length;
    }

    /** The whole page. */
    public static String html(ReportData data) {
        String json = scriptSafe(new GsonBuilder()
                .disableHtmlEscaping()
                .serializeNulls()
                .create()
                .toJson(ReportJson.of(data)));
        String policy = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src '" + sha256(JS) + "'";
        return "<!DOCTYPE html>\n"
                + "<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                + "<meta http-equiv=\"Content-Security-Policy\" content=\"" + policy + "\">\n"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                + "<link rel=\"icon\" href=\"data:,\">\n"
                + "<title>" + escapeHtml(data.title()) + "</title>\n"
                + "<style>" + CSS + "</style>\n</head>\n<body>\n"
                + "<noscript>This report draws its charts with JavaScript; enable it to see them.</noscript>\n"
                + "<script type=\"application/json\" id=\"data\">" + json + "</script>\n"
                + "<script>" + JS + "</script>\n</body>\n</html>\n";
    }

    /**
     * {@code json} with every {@code <}, {@code >}, {@code &}, U+2028 and U+2029 written as a
     * JSON {@code \}{@code uXXXX} escape. Outside strings JSON has none of these characters, so
     * the document parses to the same value and cannot contain {@code </script>} or {@code <!--}.
     */
    static String scriptSafe(String json) {
        StringBuilder out = new StringBuilder(json.length() + 64);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            switch (c) {
                case '<' -> out.append("\\u003c");
                case '>' -> out.append("\\u003e");
                case '&' -> out.append("\\u0026");
                case '\u2028' -> out.append("\\u2028");
                case '\u2029' -> out.append("\\u2029");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** Text for HTML element content or a quoted attribute. */
    static String escapeHtml(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The CSP source expression {@code sha256-…} of an inline script. */
    static String sha256(String script) {
        return "sha256-" + Base64.getEncoder().encodeToString(Sha256.of(script));
    }

    private static String resource(String name) {
        try (InputStream in = HtmlReport.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("report resource " + name + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
