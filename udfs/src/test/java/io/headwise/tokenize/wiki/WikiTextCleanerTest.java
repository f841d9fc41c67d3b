package io.headwise.tokenize.wiki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class WikiTextCleanerTest {

    private final WikiTextCleaner cleaner = WikiTextCleaner.withDefaultNamespaces();

    private String clean(String wikitext) {
        return cleaner.clean(wikitext);
    }

    // --- templates ---------------------------------------------------------------------------

    @Test
    void removesTemplate() {
        assertThat(clean("Paris{{citation needed}} is big.")).isEqualTo("Paris is big.");
    }

    @Test
    void removesNestedTemplatesSpanningLinesWithLinks() {
        String text = "{{Infobox person\n| name = {{lang|fr|Jean}}\n| spouse = [[Marie|M.]]\n"
                + "| born = {{birth date|1900|1|1}}\n}}\nJean was a painter.";
        assertThat(clean(text)).isEqualTo("Jean was a painter.");
    }

    @Test
    void removesTemplateParametersWithoutStrayBraces() {
        assertThat(clean("a{{x|{{{1}}}}}b {{{{{name}}}}}c")).isEqualTo("ab c");
    }

    @Test
    void keepsTextOfUnclosedTemplateWithoutItsBraces() {
        assertThat(clean("before {{broken|x and after")).isEqualTo("before broken|x and after");
    }

    @Test
    void dropsStrayClosingBraces() {
        assertThat(clean("text }} more")).isEqualTo("text more");
    }

    // --- tables ------------------------------------------------------------------------------

    @Test
    void removesNestedTables() {
        String text = "Intro.\n{| class=\"wikitable\"\n|-\n| a ||\n{|\n| inner\n|}\n|}\nOutro.";
        assertThat(clean(text)).isEqualTo("Intro.\nOutro.");
    }

    @Test
    void removesIndentedTableContainingTemplate() {
        assertThat(clean("A.\n:{| \n| {{flag|FR}} France\n|}\nB.")).isEqualTo("A.\nB.");
    }

    // --- tags and comments -------------------------------------------------------------------

    @Test
    void removesReferencesWithTheirContent() {
        String text = "Fact.<ref name=\"a\">{{cite web|url=http://x}}</ref> More.<ref name=a/>"
                + "<REF group=n >Note</Ref >\n<references />";
        assertThat(clean(text)).isEqualTo("Fact. More.");
    }

    @Test
    void keepsInnerTextOfInlineTags() {
        assertThat(clean("H<sub>2</sub>O is <b>bold</b>, <i>it</i> <span style=\"x\">span</span>"
                        + " x<sup>2</sup> <small>s</small>"))
                .isEqualTo("H2O is bold, it span x2 s");
    }

    @Test
    void dropsNonProseTagContent() {
        String text = "E<math>mc^2</math> a<gallery>\nFile:A.jpg|cap\n</gallery> b"
                + "<timeline>x</timeline> c<score>\\relative</score>"
                + " d<syntaxhighlight lang=\"java\">int x;</syntaxhighlight> e";
        assertThat(clean(text)).isEqualTo("E a b c d e");
    }

    @Test
    void turnsBlockTagsIntoLineBreaks() {
        assertThat(clean("one<br>two<br/>three<div>four</div>")).isEqualTo("one\ntwo\nthree\nfour");
    }

    @Test
    void keepsNowikiContentLiterally() {
        assertThat(clean("Write <nowiki>{{foo}} and [[bar]] &amp;</nowiki> here."))
                .isEqualTo("Write {{foo}} and [[bar]] &amp; here.");
    }

    @Test
    void keepsUnknownAngleBracketsAsText() {
        assertThat(clean("if a < b and <foo> then")).isEqualTo("if a < b and <foo> then");
    }

    @Test
    void unclosedReferenceLosesOnlyItsTag() {
        assertThat(clean("Text<ref>unfinished note")).isEqualTo("Textunfinished note");
    }

    @Test
    void removesComments() {
        assertThat(clean("a<!-- hidden {{ [[ -->b <!--x-->c")).isEqualTo("ab c");
    }

    @Test
    void unterminatedCommentRunsToEndOfText() {
        assertThat(clean("kept <!-- lost\nforever")).isEqualTo("kept");
    }

    // --- links -------------------------------------------------------------------------------

    @Test
    void rendersInternalLinks() {
        assertThat(clean("[[Paris|the capital]] and [[Lyon]] and [[France#History|its past]]"))
                .isEqualTo("the capital and Lyon and its past");
    }

    @Test
    void appendsLinkTrail() {
        assertThat(clean("two [[bus]]es and [[car]]s")).isEqualTo("two buses and cars");
    }

    @Test
    void rendersTargetWithoutSectionAndUnderscores() {
        assertThat(clean("[[New_York#Climate]] [[#Early life]]")).isEqualTo("New York Early life");
    }

    @Test
    void appliesPipeTrick() {
        assertThat(clean("[[Boston, Massachusetts|]] [[Mercury (planet)|]]")).isEqualTo("Boston Mercury");
    }

    @Test
    void removesFilesWithNestedLinksInCaptions() {
        String text = "[[File:Cat.jpg|thumb|left|A [[cat]] on a [[Mat (floor)|mat]]]]Cats purr."
                + "[[Image:Dog.png|A {{small|dog}}]]";
        assertThat(clean(text)).isEqualTo("Cats purr.");
    }

    @Test
    void removesCategoriesAndLocalizedNamespaces() {
        String text = "Text.\n[[Category:Philosophy|Anarchism]]\n[[category : Foo]]"
                + "[[Datei:X.jpg|mini|y]][[Fichier:Y.png]][[Файл:Z.jpg|thumb]][[Категория:Философия]]"
                + "[[Kategorija:Filozofija]]";
        assertThat(clean(text)).isEqualTo("Text.");
    }

    @Test
    void leadingColonMakesNamespaceLinkVisible() {
        assertThat(clean("See [[:Category:Philosophy|the category]] and [[:File:Cat.jpg]]."))
                .isEqualTo("See the category and File:Cat.jpg.");
    }

    @Test
    void dropsInterlanguageLinks() {
        assertThat(clean("Text.[[de:Anarchismus]][[zh-min-nan:Bû-chèng-hū-chú-gī]][[simple:Anarchy]]"))
                .isEqualTo("Text.");
    }

    @Test
    void keepsInterwikiLinksLikeWiktionary() {
        assertThat(clean("a [[wikt:cat|cat]] b")).isEqualTo("a cat b");
    }

    @Test
    void callerChoosesDroppedNamespaces() {
        WikiTextCleaner onlyFiles = WikiTextCleaner.droppingNamespaces(Set.of("File"));
        assertThat(onlyFiles.clean("[[File:a.jpg]][[Category:B]]")).isEqualTo("Category:B");
        assertThat(onlyFiles.droppedNamespaces()).containsExactly("file");
    }

    @Test
    void keepsTextOfUnclosedLinkAndDropsStrayClosers() {
        assertThat(clean("a [[broken link b]] c]] d")).isEqualTo("a broken link b c d");
        assertThat(clean("a [[never closed")).isEqualTo("a never closed");
    }

    @Test
    void rendersExternalLinks() {
        assertThat(clean("[http://example.org Example site] and [https://x.org/a?b=c] and "
                        + "[//proto.rel/x relative]"))
                .isEqualTo("Example site and and relative");
    }

    @Test
    void keepsBareUrls() {
        assertThat(clean("See http://example.org/page for more.")).isEqualTo("See http://example.org/page for more.");
    }

    // --- line markup and formatting ----------------------------------------------------------

    @Test
    void keepsHeadingTextOnItsOwnLine() {
        assertThat(clean("Intro.\n== History ==\nText.\n===Early years===\nMore."))
                .isEqualTo("Intro.\nHistory\nText.\nEarly years\nMore.");
    }

    @Test
    void removesBoldAndItalicQuotes() {
        assertThat(clean("'''Anarchism''' is ''a'' '''''philosophy''''' of l''''amour"))
                .isEqualTo("Anarchism is a philosophy of l'amour");
    }

    @Test
    void keepsSingleApostrophes() {
        assertThat(clean("Kropotkin's ''Mutual Aid''")).isEqualTo("Kropotkin's Mutual Aid");
    }

    @Test
    void removesListMarkers() {
        assertThat(clean("* one\n** two\n# three\n#: four\n; term\n: definition"))
                .isEqualTo("one\ntwo\nthree\nfour\nterm\ndefinition");
    }

    @Test
    void removesHorizontalRules() {
        assertThat(clean("a\n----\nb")).isEqualTo("a\n\nb");
    }

    @Test
    void removesMagicWords() {
        assertThat(clean("__NOTOC__Text __TOC__ here.__NOEDITSECTION__")).isEqualTo("Text here.");
    }

    @Test
    void decodesNamedEntities() {
        assertThat(clean("a&amp;b &lt;x&gt; &quot;q&quot; 1&ndash;2 a&mdash;b 10&nbsp;km &eacute;"
                        + " &Omega;&omega; &yuml; &hellip;"))
                .isEqualTo("a&b <x> \"q\" 1–2 a—b 10 km é Ωω ÿ …");
    }

    @Test
    void decodesNumericEntities() {
        assertThat(clean("&#123; &#x1F600; &#X41; &#160;x")).isEqualTo("{ 😀 A x");
    }

    @Test
    void keepsUnknownAndInvalidEntities() {
        assertThat(clean("&bogus; &#xD800; &#0; & alone &amp;lt;")).isEqualTo("&bogus; &#xD800; &#0; & alone &lt;");
    }

    @Test
    void entityEncodedMarkupIsTextNotMarkup() {
        assertThat(clean("&#91;&#91;not a link&#93;&#93; &lt;ref&gt;")).isEqualTo("[[not a link]] <ref>");
    }

    // --- whitespace --------------------------------------------------------------------------

    @Test
    void collapsesBlankLinesAndTrims() {
        assertThat(clean("\n\n  First  para. \n\n\n \n\t\nSecond\tpara.\n\n")).isEqualTo("First para.\n\nSecond para.");
    }

    @Test
    void removesEmptyParenthesesLeftByTemplates() {
        assertThat(clean("Albedo ({{IPAc-en|æ|l}}) is f() and g ( ; ).")).isEqualTo("Albedo is f() and g.");
    }

    @Test
    void returnsEmptyForMarkupOnly() {
        assertThat(clean("{{stub}}\n[[Category:X]]\n<!-- -->")).isEmpty();
        assertThat(clean("")).isEmpty();
    }

    // --- input validation --------------------------------------------------------------------

    @Test
    void rejectsNullText() {
        assertThatThrownBy(() -> clean(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("wikitext must not be null");
    }

    @Test
    void rejectsNamespaceWithColon() {
        assertThatThrownBy(() -> WikiTextCleaner.droppingNamespaces(Set.of("File:")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("namespace 'File:' must be a non-blank name without ':', '[', ']' or '|'");
    }

    // --- robustness --------------------------------------------------------------------------

    @Test
    @Timeout(5)
    void unbalancedOpenersFinishFastWithoutStackOverflow() {
        String text = "{{ a ".repeat(100_000) + "[[ b ".repeat(100_000) + "<ref>".repeat(50_000)
                + "{| x\n".repeat(50_000) + "<!-- c";
        String cleaned = clean(text);
        assertThat(cleaned).doesNotContain("{{", "[[").startsWith("a a");
    }

    @Test
    @Timeout(5)
    void deepBalancedNestingFinishesFast() {
        int depth = 100_000;
        String text = "x" + "{{t|".repeat(depth) + "}}".repeat(depth) + "y "
                + "[[a|".repeat(depth) + "z" + "]]".repeat(depth) + " "
                + "[http://".repeat(depth) + "<b".repeat(depth);
        // Links nested beyond InternalLinks.MAX_DEPTH lose their brackets but keep their text.
        assertThat(clean(text)).startsWith("xy a|a|").doesNotContain("{{", "}}", "[[", "]]");
    }

    @Test
    @Timeout(5)
    void unbalancedClosersFinishFast() {
        String text = "}}]]\n|}\n</ref>".repeat(100_000) + "end";
        assertThat(clean(text)).isEqualTo("end");
    }

    // --- real articles -----------------------------------------------------------------------

    @Test
    void cleansRealArticleSnippets() throws IOException {
        String anarchism = clean(resource("anarchism.wiki"));
        String albedo = clean(resource("albedo.wiki"));
        String alabama = clean(resource("alabama.wiki"));
        for (String cleaned : new String[] {anarchism, albedo, alabama}) {
            assertThat(cleaned)
                    .doesNotContain("{{", "}}", "[[", "]]", "{|", "|}", "<ref", "&amp;", "&nbsp;", "'''", "<!--");
        }
        assertThat(anarchism)
                .startsWith("Anarchism is a political philosophy that advocates "
                        + "self-governed societies based on voluntary institutions. These are often described "
                        + "as stateless societies, although several authors have defined them more specifically "
                        + "as institutions based on non-hierarchical free associations.");
        assertThat(albedo)
                .startsWith("Albedo or reflection coefficient, derived from Latin albedo \"whiteness\"")
                .contains("\nTerrestrial albedo\n")
                .contains("The term was introduced into optics by Johann Heinrich Lambert in his 1760 "
                        + "work Photometria.")
                .doesNotContain("Fresh asphalt", "Percentage of diffusely reflected sunlight");
        assertThat(alabama)
                .startsWith("Alabama is a state located in the southeastern region of the United States.")
                .doesNotContain("Yellowhammer", "Flag of Alabama");
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = WikiTextCleanerTest.class.getResourceAsStream(name)) {
            assertThat(in).as("test resource %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void snippetsCleanQuickly() throws IOException {
        String text = resource("anarchism.wiki").repeat(30);
        long start = System.nanoTime();
        clean(text);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    }
}
