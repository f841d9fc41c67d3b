package io.headwise;

/**
 * Bad usage or bad input that the user can fix: a missing file, a tensor of the wrong shape, a
 * token outside the vocabulary. The CLI prints the message as one line and exits with code 2, so
 * the message must name the file, option or record at fault.
 */
public class BadInputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BadInputException(String format, Object... args) {
        super(String.format(format, args));
    }

    public BadInputException(Throwable cause, String format, Object... args) {
        super(String.format(format, args), cause);
    }
}
