package io.headwise.tokenize.wiki;

import java.io.Serializable;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns MediaWiki wikitext (the {@code <text>} of a dump page) into plain prose.
 *
 * <p>Kept: running text, headings (as a line of their own), link labels, list item text, the
 * content of inline and block HTML tags, bare URLs. Dropped: comments, templates, wiki tables,
 * footnotes and the content of non-prose tags ({@code <ref>}, {@code <math>}, {@code <gallery>},
 * {@code <timeline>}, {@code <score>}, {@code <syntaxhighlight>}, …; {@code <nowiki>} and
 * {@code <pre>} content is kept literally), links to files, images and
 * categories, interlanguage links, bracketed external URLs without a label, bold/italic quotes,
 * list markers, behaviour switches such as {@code __TOC__}. HTML entities are decoded last.
 *
 * <p>The passes run in the order MediaWiki resolves the constructs: comments and tags before
 * templates (a footnote may hold templates, a template may hold a footnote), templates before
 * tables and links (templates hold both), links before line markup. Unbalanced markup never
 * fails: closers without an opener are dropped, openers that never close lose their marker and
 * keep their text. Each pass is linear in the input and none recurses, so nesting depth cannot
 * overflow the stack.
 *
 * <p>Instances are immutable, thread-safe and serializable, so one can be shipped to executors.
 */
public final class WikiTextCleaner implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * File, image and category namespaces of the larger Wikipedias, English names included:
     * links to them render as images or as the category box, never as words in the sentence.
     */
    public static final Set<String> DEFAULT_DROPPED_NAMESPACES = Set.of(
            "File",
            "Image",
            "Category",
            "Datei",
            "Bild",
            "Kategorie",
            "Fichier",
            "Catégorie",
            "Archivo",
            "Imagen",
            "Categoría",
            "Immagine",
            "Categoria",
            "Ficheiro",
            "Arquivo",
            "Imagem",
            "Bestand",
            "Afbeelding",
            "Categorie",
            "Plik",
            "Grafika",
            "Kategoria",
            "Fil",
            "Kategori",
            "Tiedosto",
            "Kuva",
            "Luokka",
            "Soubor",
            "Datoteka",
            "Slika",
            "Kategorija",
            "Fails",
            "Kategoreja",
            "Dosya",
            "Resim",
            "Файл",
            "Изображение",
            "Картинка",
            "Категория",
            "Зображення",
            "Категорія",
            "Датотека",
            "Слика",
            "Категорија",
            "ملف",
            "صورة",
            "تصنيف",
            "ファイル",
            "画像",
            "カテゴリ",
            "文件",
            "图像",
            "分类");

    private final Set<String> droppedNamespaces;

    private WikiTextCleaner(Set<String> droppedNamespaces) {
        this.droppedNamespaces = droppedNamespaces;
    }

    /** A cleaner that drops links into {@link #DEFAULT_DROPPED_NAMESPACES}. */
    public static WikiTextCleaner withDefaultNamespaces() {
        return droppingNamespaces(DEFAULT_DROPPED_NAMESPACES);
    }

    /**
     * A cleaner that drops links into exactly these namespaces (matched ignoring case, with
     * {@code _} equal to a space, as MediaWiki matches them). Interlanguage links are always
     * dropped.
     *
     * @param namespaces namespace names without the colon, e.g. {@code "Datei"}
     * @throws IllegalArgumentException if a name is blank or contains {@code :}, {@code [} or {@code |}
     */
    public static WikiTextCleaner droppingNamespaces(Set<String> namespaces) {
        Objects.requireNonNull(namespaces, "namespaces must not be null");
        for (String name : namespaces) {
            Objects.requireNonNull(name, "namespaces must not contain null");
            if (name.isBlank() || name.matches(".*[:\\[\\]|].*")) {
                throw new IllegalArgumentException(
                        String.format("namespace '%s' must be a non-blank name without ':', '[', ']' or '|'", name));
            }
        }
        return new WikiTextCleaner(
                namespaces.stream().map(InternalLinks::normalizeNamespace).collect(Collectors.toUnmodifiableSet()));
    }

    /** The dropped namespaces, normalized to lower case with spaces for underscores. */
    public Set<String> droppedNamespaces() {
        return droppedNamespaces;
    }

    /**
     * Plain text of {@code wikitext}: lines trimmed, single blank lines between paragraphs, no
     * leading or trailing whitespace. Empty if nothing but markup was there.
     *
     * @throws NullPointerException if {@code wikitext} is null
     */
    public String clean(String wikitext) {
        Objects.requireNonNull(wikitext, "wikitext must not be null");
        String s = Comments.strip(wikitext);
        s = Tags.strip(s);
        s = Templates.strip(s);
        s = Tables.strip(s);
        s = new InternalLinks(droppedNamespaces).render(s);
        s = ExternalLinks.render(s);
        s = Formatting.strip(s);
        s = LineMarkup.strip(s);
        s = Entities.decode(s);
        return Whitespace.tidy(s);
    }
}
