/**
 * MediaWiki wikitext to plain text, for building training corpora from Wikipedia dumps.
 *
 * <p>{@link io.headwise.tokenize.wiki.WikiTextCleaner} is the only public class. It runs a
 * fixed sequence of small passes, each a package-private class that does one construct:
 * comments, tags, templates, tables, internal links, external links, line markup, entities,
 * whitespace. Every pass is a single left-to-right scan (or a linear regular expression) with an
 * explicit stack where nesting matters, so input of any size or nesting depth costs time
 * roughly linear in its length and never recurses. Nothing here knows about Spark.
 */
package io.headwise.tokenize.wiki;
