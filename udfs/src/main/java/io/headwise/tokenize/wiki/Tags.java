package io.headwise.tokenize.wiki;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Removes HTML and extension tags. What happens to a tag's content depends on its name:
 *
 * <ul>
 *   <li>{@link #DROP_CONTENT} (footnotes, formulas, code, galleries, score, …): tag and content
 *       go, because their content is not running prose.
 *   <li>{@link #VERBATIM} ({@code nowiki}, {@code pre}): content kept literally; its markup
 *       characters are turned into numeric entities so later passes leave them alone and the
 *       final entity decoding restores them.
 *   <li>{@link #BLOCK}: the tag becomes a line break so that list items or paragraphs do not
 *       run together; content kept.
 *   <li>{@link #INLINE}: the tag goes, content kept.
 * </ul>
 *
 * <p>Any other name is not a tag for MediaWiki either ({@code a < b}, {@code <foo>}) and stays
 * as text. A content-dropping or verbatim tag that is never closed loses only its opening tag:
 * dropping to the end of the article would lose more text than one broken footnote is worth.
 */
final class Tags {

    static final Set<String> DROP_CONTENT = Set.of(
            "ref",
            "references",
            "math",
            "chem",
            "ce",
            "gallery",
            "timeline",
            "score",
            "syntaxhighlight",
            "source",
            "graph",
            "mapframe",
            "maplink",
            "imagemap",
            "templatedata",
            "templatestyles",
            "categorytree",
            "inputbox",
            "hiero",
            "includeonly",
            "indicator",
            "charinsert",
            "section",
            "style",
            "script");
    static final Set<String> VERBATIM = Set.of("nowiki", "pre");
    static final Set<String> BLOCK = Set.of(
            "br",
            "p",
            "div",
            "center",
            "blockquote",
            "poem",
            "li",
            "ul",
            "ol",
            "dl",
            "dt",
            "dd",
            "table",
            "caption",
            "tr",
            "td",
            "th",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "hr");
    static final Set<String> INLINE = Set.of(
            "b",
            "i",
            "u",
            "s",
            "strike",
            "del",
            "ins",
            "big",
            "small",
            "sub",
            "sup",
            "span",
            "font",
            "abbr",
            "cite",
            "code",
            "em",
            "strong",
            "tt",
            "var",
            "kbd",
            "samp",
            "dfn",
            "mark",
            "q",
            "bdi",
            "bdo",
            "ruby",
            "rb",
            "rp",
            "rt",
            "rtc",
            "data",
            "time",
            "wbr",
            "noinclude",
            "onlyinclude",
            "link",
            "meta");

    /** Longest opening tag we look for a {@code >} in; bounds the work per stray {@code <}. */
    private static final int MAX_TAG_LENGTH = 2000;

    private static final int NOT_FOUND = -1;
    private static final String VERBATIM_ESCAPED = "&<>[]{}|'*#:;=_-~";

    private final String text;
    /** ASCII-lowercased copy of {@code text}, same length, for case-insensitive search. */
    private final String lower;
    /** Per tag name: last closing tag found, or NOT_FOUND once a search from earlier failed. */
    private final Map<String, Integer> closeCache = new HashMap<>();

    private final StringBuilder out;

    private Tags(String text) {
        this.text = text;
        this.lower = asciiLowerCase(text);
        this.out = new StringBuilder(text.length());
    }

    static String strip(String text) {
        if (text.indexOf('<') < 0) {
            return text;
        }
        return new Tags(text).run();
    }

    private String run() {
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            i = c == '<' ? tagAt(i) : appendChar(i);
        }
        return out.toString();
    }

    private int appendChar(int i) {
        out.append(text.charAt(i));
        return i + 1;
    }

    /** Handles a {@code <} at {@code lt}; returns where scanning continues. */
    private int tagAt(int lt) {
        int n = text.length();
        int i = lt + 1;
        boolean closing = i < n && text.charAt(i) == '/';
        if (closing) {
            i++;
        }
        int nameStart = i;
        if (i >= n || !isAsciiLetter(text.charAt(i))) {
            return appendChar(lt);
        }
        while (i < n && isAsciiLetterOrDigit(text.charAt(i))) {
            i++;
        }
        String name = lower.substring(nameStart, i);
        boolean known =
                DROP_CONTENT.contains(name) || VERBATIM.contains(name) || BLOCK.contains(name) || INLINE.contains(name);
        if (!known
                || i >= n
                || !(text.charAt(i) == '>' || text.charAt(i) == '/' || Character.isWhitespace(text.charAt(i)))) {
            return appendChar(lt);
        }
        int gt = findTagEnd(i, lt);
        if (gt < 0) {
            return appendChar(lt);
        }
        boolean selfClosing = text.charAt(gt - 1) == '/';
        if (BLOCK.contains(name)) {
            out.append('\n');
            return gt + 1;
        }
        if (closing || selfClosing || INLINE.contains(name)) {
            return gt + 1;
        }
        return contentTag(name, gt + 1);
    }

    /** Opening tag of a content-dropping or verbatim element whose content starts at {@code from}. */
    private int contentTag(String name, int from) {
        int close = findClosingTag(name, from);
        if (close < 0) {
            return from;
        }
        if (VERBATIM.contains(name)) {
            appendEscaped(from, close);
        }
        return text.indexOf('>', close) + 1;
    }

    private int findTagEnd(int from, int lt) {
        int limit = Math.min(text.length(), lt + MAX_TAG_LENGTH);
        for (int i = from; i < limit; i++) {
            char c = text.charAt(i);
            if (c == '>') {
                return i;
            }
            if (c == '<') {
                return NOT_FOUND;
            }
        }
        return NOT_FOUND;
    }

    /**
     * Index of the {@code </name ... >} closing tag at or after {@code from}, or -1. Searches never
     * revisit text: after a hit the scan resumes beyond it, and a miss is remembered.
     */
    private int findClosingTag(String name, int from) {
        Integer cached = closeCache.get(name);
        if (cached != null && (cached == NOT_FOUND || cached >= from)) {
            return cached;
        }
        String needle = "</" + name;
        int at = lower.indexOf(needle, from);
        while (at >= 0 && !closesAfterName(at + needle.length())) {
            at = lower.indexOf(needle, at + 1);
        }
        closeCache.put(name, at);
        return at;
    }

    private boolean closesAfterName(int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i < text.length() && text.charAt(i) == '>';
    }

    private void appendEscaped(int from, int to) {
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (VERBATIM_ESCAPED.indexOf(c) >= 0) {
                out.append("&#").append((int) c).append(';');
            } else {
                out.append(c);
            }
        }
    }

    private static String asciiLowerCase(String s) {
        char[] chars = s.toCharArray();
        for (int i = 0; i < chars.length; i++) {
            if (chars[i] >= 'A' && chars[i] <= 'Z') {
                chars[i] = (char) (chars[i] + ('a' - 'A'));
            }
        }
        return new String(chars);
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return isAsciiLetter(c) || (c >= '0' && c <= '9');
    }
}
