package io.headwise.cli;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/** Bridges picocli's {@link PrintWriter} to the {@code PrintStream} jobs print to, line by line. */
final class WriterOutputStream extends OutputStream {

    private final PrintWriter writer;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

    WriterOutputStream(PrintWriter writer) {
        this.writer = writer;
    }

    @Override
    public void write(int b) {
        buffer.write(b);
        if (b == '\n') {
            flush();
        }
    }

    @Override
    public void flush() {
        writer.print(buffer.toString(StandardCharsets.UTF_8));
        writer.flush();
        buffer.reset();
    }
}
