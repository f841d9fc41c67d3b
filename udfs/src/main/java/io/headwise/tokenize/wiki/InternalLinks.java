package io.headwise.tokenize.wiki;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Renders internal links {@code [[target|label]]} as their visible text and drops links that
 * MediaWiki does not show inline: files, images and categories (any namespace in the caller's
 * set), and interlanguage links.
 *
 * <p>Links are resolved innermost first, so the links inside an image caption are rendered
 * into the caption and then go with it. A link trail ({@code [[bus]]es}) needs no handling: the
 * trail simply follows the rendered text. Nesting beyond {@link #MAX_DEPTH} only happens in
 * broken or hostile text; such openers are dropped so that re-rendering nested captions stays
 * linear in the input length.
 */
final class InternalLinks {

    static final int MAX_DEPTH = 32;

    /**
     * Interlanguage prefixes: a lowercase language code, optionally with subtags
     * ({@code de}, {@code zh-min-nan}, {@code be-x-old}), or {@code simple}. Interwiki prefixes
     * such as {@code wikt} are longer and stay visible links, as in MediaWiki.
     */
    private static final Pattern LANGUAGE_PREFIX = Pattern.compile("[a-z]{2,3}(?:-[a-z0-9]{1,8})*|simple");

    /** Lower-cased namespace names whose links are dropped. */
    private final Set<String> droppedNamespaces;

    InternalLinks(Set<String> droppedNamespaces) {
        this.droppedNamespaces = droppedNamespaces;
    }

    String render(String text) {
        if (!text.contains("[[")) {
            return text.replace("]]", "");
        }
        StringBuilder out = new StringBuilder(text.length());
        OpenGroups open = new OpenGroups();
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (text.startsWith("[[", i)) {
                if (open.size() < MAX_DEPTH) {
                    open.push(out.length(), 2);
                    out.append("[[");
                }
                i += 2;
            } else if (text.startsWith("]]", i)) {
                if (!open.isEmpty()) {
                    int start = open.topStart();
                    String inner = out.substring(start + 2);
                    out.setLength(start);
                    out.append(visibleText(inner));
                    open.pop();
                }
                i += 2;
            } else {
                out.append(text.charAt(i++));
            }
        }
        open.removeUnclosedMarkers(out);
        return out.toString();
    }

    /** The text MediaWiki shows for a link whose brackets enclosed {@code inner}. */
    private String visibleText(String inner) {
        boolean forcedVisible = inner.startsWith(":");
        String link = forcedVisible ? inner.substring(1) : inner;
        int pipe = link.indexOf('|');
        String target = pipe < 0 ? link : link.substring(0, pipe);
        if (!forcedVisible && isHidden(target)) {
            return "";
        }
        if (pipe < 0) {
            return displayTarget(target);
        }
        String label = link.substring(pipe + 1);
        return label.isBlank() ? pipeTrick(displayTarget(target)) : label;
    }

    private boolean isHidden(String target) {
        int colon = target.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        String prefix = target.substring(0, colon).trim();
        return LANGUAGE_PREFIX.matcher(prefix).matches() || droppedNamespaces.contains(normalizeNamespace(prefix));
    }

    static String normalizeNamespace(String name) {
        return name.trim().replace('_', ' ').toLowerCase(Locale.ROOT);
    }

    /** Target without its {@code #section} (or only the section for a same-page link). */
    private static String displayTarget(String target) {
        int hash = target.indexOf('#');
        String page = hash == 0 ? target.substring(1) : hash > 0 ? target.substring(0, hash) : target;
        return page.replace('_', ' ').trim();
    }

    /** {@code [[Help:Boston, Massachusetts (city)|]]} shows "Boston", as MediaWiki's pipe trick. */
    private static String pipeTrick(String target) {
        String shown = target.substring(target.indexOf(':') + 1);
        int paren = shown.lastIndexOf(" (");
        if (paren > 0 && shown.endsWith(")")) {
            shown = shown.substring(0, paren);
        }
        int comma = shown.indexOf(", ");
        return (comma > 0 ? shown.substring(0, comma) : shown).trim();
    }
}
