package io.headwise;

/**
 * Bad usage or bad input that the user can fix: a missing file, a tensor of the wrong shape, a
 * token outside the vocabulary. The CLI prints the message as one line and exits with code 2, so
 * the message must name the file, option or record at fault; line breaks in it become spaces. The one exception for bad input in
 * every package: code that finds it throws it with that message, and callers let it through
 * rather than rewrapping it. It is an {@link IllegalArgumentException}, so the pure functions'
 * argument checks and per-record handlers that turn a bad record into a reject catch it too.
 */
public class BadInputException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public BadInputException(String format, Object... args) {
        super(oneLine(String.format(format, args)));
    }

    public BadInputException(Throwable cause, String format, Object... args) {
        super(oneLine(String.format(format, args)), cause);
    }

    /**
     * The message on one line: a parser's own message quoted in it (Gson's ends with a line
     * pointing to its troubleshooting page) would otherwise break it.
     */
    private static String oneLine(String message) {
        return message.strip().replaceAll("\\s*\\R\\s*", " ");
    }
}
