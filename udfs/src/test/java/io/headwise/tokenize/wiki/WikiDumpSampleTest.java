package io.headwise.tokenize.wiki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.junit.jupiter.api.Test;

/**
 * Cleans every article of the shortened English dump in the shared datasets and checks that
 * no markup survives. Skipped when the dataset is not on this machine. commons-compress reaches
 * the test classpath through DJL.
 */
class WikiDumpSampleTest {

    private static final String SAMPLE = "wiki/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2";
    private static final List<String> RESIDUE =
            List.of("{{", "}}", "[[", "]]", "{|", "<ref", "</ref", "&amp;", "&nbsp;", "'''", "<!--");

    @Test
    void leavesNoMarkupInAnyArticleOfTheEnglishSample() throws Exception {
        Path sample = datasetsDir().resolve(SAMPLE);
        assumeTrue(Files.isReadable(sample), "dataset not found: " + sample);
        Map<String, String> articles = readArticles(sample);
        assertThat(articles).hasSizeGreaterThan(50);

        WikiTextCleaner cleaner = WikiTextCleaner.withDefaultNamespaces();
        List<String> problems = new ArrayList<>();
        long totalChars = 0;
        for (Map.Entry<String, String> article : articles.entrySet()) {
            String cleaned = cleaner.clean(article.getValue());
            totalChars += cleaned.length();
            for (String residue : RESIDUE) {
                int at = cleaned.indexOf(residue);
                if (at >= 0) {
                    problems.add(String.format(
                            "%s: '%s' in \"…%s…\"",
                            article.getKey(),
                            residue,
                            cleaned.substring(Math.max(0, at - 40), Math.min(cleaned.length(), at + 40))));
                }
            }
        }
        assertThat(problems).isEmpty();
        assertThat(totalChars).isGreaterThan(articles.size() * 100L);
    }

    /** Title → wikitext of every page that is not a redirect. */
    private static Map<String, String> readArticles(Path dump) throws IOException, XMLStreamException {
        Map<String, String> articles = new LinkedHashMap<>();
        try (InputStream in =
                new BZip2CompressorInputStream(new BufferedInputStream(Files.newInputStream(dump)), true)) {
            XMLStreamReader xml = XMLInputFactory.newFactory().createXMLStreamReader(in);
            String title = null;
            while (xml.hasNext()) {
                if (xml.next() != XMLStreamReader.START_ELEMENT) {
                    continue;
                }
                if (xml.getLocalName().equals("title")) {
                    title = xml.getElementText();
                } else if (xml.getLocalName().equals("text")) {
                    String text = xml.getElementText();
                    if (!text.regionMatches(true, 0, "#REDIRECT", 0, "#REDIRECT".length())) {
                        articles.put(title, text);
                    }
                }
            }
            xml.close();
        }
        return articles;
    }

    /** {@code HEADWISE_DATASETS_DIR}, else the nearest {@code datasets} or {@code shared/datasets}. */
    static Path datasetsDir() {
        String env = System.getenv("HEADWISE_DATASETS_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : List.of(dir.resolve("datasets"), dir.resolve("shared/datasets"))) {
                if (Files.isDirectory(candidate.resolve("wiki"))) {
                    return candidate;
                }
            }
        }
        return Path.of("datasets");
    }
}
