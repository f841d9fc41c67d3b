package io.headwise.tokenize.wiki;

import java.util.HashMap;
import java.util.Map;

/**
 * Decodes HTML character references: the HTML 4 named set (which covers what articles use:
 * {@code &amp;}, {@code &nbsp;}, {@code &ndash;}, accented letters, Greek, arrows, maths) and
 * decimal or hexadecimal numeric references. Runs once, last, so {@code &amp;lt;} decodes to
 * {@code &lt;} and not to {@code <}. Unknown names and invalid code points stay as written.
 *
 * <p>Every space-like character ({@code &nbsp;}, {@code &thinsp;}, {@code &#8239;}, …) becomes
 * a plain space: a tokenizer should not learn that "10&nbsp;km" and "10 km" differ.
 */
final class Entities {

    /** Names of U+00A0..U+00FF, in code point order. */
    private static final String LATIN_1 = "nbsp iexcl cent pound curren yen brvbar sect uml copy"
            + " ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1"
            + " ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig"
            + " Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc"
            + " Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute"
            + " acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml"
            + " eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml"
            + " yacute thorn yuml";
    /** Names of U+0391..U+03C9, in code point order; "-" marks the unassigned U+03A2. */
    private static final String GREEK = "Alpha Beta Gamma Delta Epsilon Zeta Eta Theta Iota Kappa"
            + " Lambda Mu Nu Xi Omicron Pi Rho - Sigma Tau Upsilon Phi Chi Psi Omega"
            + " - - - - - - - alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi"
            + " omicron pi rho sigmaf sigma tau upsilon phi chi psi omega";

    private static final String OTHERS = "quot 34 amp 38 apos 39 lt 60 gt 62 OElig 338 oelig 339"
            + " Scaron 352 scaron 353 Yuml 376 fnof 402 circ 710 tilde 732 thetasym 977 upsih 978"
            + " piv 982 ensp 8194 emsp 8195 thinsp 8201 zwnj 8204 zwj 8205 lrm 8206 rlm 8207"
            + " ndash 8211 mdash 8212 lsquo 8216 rsquo 8217 sbquo 8218 ldquo 8220 rdquo 8221"
            + " bdquo 8222 dagger 8224 Dagger 8225 bull 8226 hellip 8230 permil 8240 prime 8242"
            + " Prime 8243 lsaquo 8249 rsaquo 8250 oline 8254 frasl 8260 euro 8364 image 8465"
            + " weierp 8472 real 8476 trade 8482 alefsym 8501 larr 8592 uarr 8593 rarr 8594"
            + " darr 8595 harr 8596 crarr 8629 lArr 8656 uArr 8657 rArr 8658 dArr 8659 hArr 8660"
            + " forall 8704 part 8706 exist 8707 empty 8709 nabla 8711 isin 8712 notin 8713 ni 8715"
            + " prod 8719 sum 8721 minus 8722 lowast 8727 radic 8730 prop 8733 infin 8734 ang 8736"
            + " and 8743 or 8744 cap 8745 cup 8746 int 8747 there4 8756 sim 8764 cong 8773"
            + " asymp 8776 ne 8800 equiv 8801 le 8804 ge 8805 sub 8834 sup 8835 nsub 8836 sube 8838"
            + " supe 8839 oplus 8853 otimes 8855 perp 8869 sdot 8901 lceil 8968 rceil 8969"
            + " lfloor 8970 rfloor 8971 lang 9001 rang 9002 loz 9674 spades 9824 clubs 9827"
            + " hearts 9829 diams 9830";
    private static final Map<String, Integer> NAMED = namedEntities();
    private static final int MAX_NAME_LENGTH = 10;
    private static final int MAX_DIGITS = 8;

    private Entities() {}

    static String decode(String text) {
        int amp = text.indexOf('&');
        if (amp < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        int from = 0;
        while (amp >= 0) {
            out.append(text, from, amp);
            int semicolon = findSemicolon(text, amp);
            int codePoint = semicolon < 0 ? -1 : codePoint(text.substring(amp + 1, semicolon));
            if (codePoint < 0) {
                out.append('&');
                from = amp + 1;
            } else {
                out.appendCodePoint(Character.getType(codePoint) == Character.SPACE_SEPARATOR ? ' ' : codePoint);
                from = semicolon + 1;
            }
            amp = text.indexOf('&', from);
        }
        return out.append(text, from, text.length()).toString();
    }

    /** The {@code ;} closing a reference that starts at {@code amp}, looking only a few chars. */
    private static int findSemicolon(String text, int amp) {
        int limit = Math.min(text.length(), amp + 2 + Math.max(MAX_NAME_LENGTH, MAX_DIGITS + 1));
        for (int i = amp + 1; i < limit; i++) {
            char c = text.charAt(i);
            if (c == ';') {
                return i;
            }
            if (!Character.isLetterOrDigit(c) && c != '#') {
                return -1;
            }
        }
        return -1;
    }

    /** Code point for a reference body ({@code amp}, {@code #38}, {@code #x26}), or -1. */
    private static int codePoint(String body) {
        if (!body.startsWith("#")) {
            return NAMED.getOrDefault(body, -1);
        }
        boolean hex = body.length() > 1 && (body.charAt(1) == 'x' || body.charAt(1) == 'X');
        String digits = body.substring(hex ? 2 : 1);
        if (digits.isEmpty() || digits.length() > MAX_DIGITS) {
            return -1;
        }
        try {
            int cp = Integer.parseInt(digits, hex ? 16 : 10);
            boolean valid = cp > 0
                    && cp <= Character.MAX_CODE_POINT
                    && !(cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
            return valid ? cp : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static Map<String, Integer> namedEntities() {
        Map<String, Integer> map = new HashMap<>();
        putRun(map, LATIN_1, 0xA0);
        putRun(map, GREEK, 0x391);
        String[] pairs = OTHERS.split(" ");
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], Integer.parseInt(pairs[i + 1]));
        }
        return Map.copyOf(map);
    }

    private static void putRun(Map<String, Integer> map, String names, int firstCodePoint) {
        String[] split = names.split(" ");
        for (int i = 0; i < split.length; i++) {
            if (!split[i].equals("-")) {
                map.put(split[i], firstCodePoint + i);
            }
        }
    }
}
