package io.headwise.tokenize.wiki;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders bracketed external links: {@code [http://x label]} becomes its label and
 * {@code [http://x]} disappears (MediaWiki shows it as a footnote-style number, which means
 * nothing in plain text). Bare URLs in running text are left alone.
 */
final class ExternalLinks {

    private static final String URL = "(?:(?:(?:https?|ftps?|sftp|irc|ircs|news|nntp|gopher|mms"
            + "|svn|git|ssh|telnet|worldwind|xmpp):)?//|mailto:)[^\\s\\[\\]<>\"]++";
    /** Labels cannot span lines in MediaWiki; possessive quantifiers keep matching linear. */
    private static final Pattern BRACKETED =
            Pattern.compile("\\[" + URL + "(?:[ \\t]++([^\\]\\n]*+))?\\]", Pattern.CASE_INSENSITIVE);

    private ExternalLinks() {}

    static String render(String text) {
        if (text.indexOf('[') < 0) {
            return text;
        }
        Matcher m = BRACKETED.matcher(text);
        return m.replaceAll(r -> Matcher.quoteReplacement(r.group(1) == null ? "" : r.group(1)));
    }
}
