package io.headwise.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.BZip2Codec;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link BoundedLineReader} without Spark: whatever the file and the split size, the records of
 * all splits are the file's lines in order, each once, and exactly those longer than the limit are
 * marked, holding no more than {@code limit + 1} bytes.
 */
class BoundedLineReaderTest {

    /** One line as the reader hands it on. */
    record Read(String text, boolean overLimit, long bytes) {}

    @Property(tries = 300)
    void everyLineOnceInOrderWhateverTheSplitsAndOverLongLinesMarked(
            @ForAll("lines") List<String> lines,
            @ForAll boolean finalNewline,
            @ForAll boolean crlf,
            @ForAll @IntRange(min = 1, max = 64) int splitSize,
            @ForAll @IntRange(min = 1, max = 12) int limit)
            throws IOException {
        String eol = crlf ? "\r\n" : "\n";
        String content = lines.isEmpty() ? "" : String.join(eol, lines) + (finalNewline ? eol : "");
        Path file = Files.createTempFile("lines", ".txt");
        try {
            Files.writeString(file, content, StandardCharsets.UTF_8);
            List<Read> read = readAll(file, splitSize, limit);
            List<String> expected = new ArrayList<>(lines);
            if (!finalNewline && !lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
                expected.remove(expected.size() - 1); // "a\n" + "" is the file "a\n": one line
            }
            if (content.isEmpty()) {
                expected.clear();
            }
            assertThat(read).hasSize(expected.size());
            for (int i = 0; i < expected.size(); i++) {
                String line = expected.get(i);
                Read r = read.get(i);
                boolean over = line.length() > limit;
                assertThat(r.overLimit()).as("line %d %s", i, line).isEqualTo(over);
                if (over) {
                    assertThat(r.text()).isEqualTo(line.substring(0, limit + 1));
                    boolean last = i == expected.size() - 1 && !content.endsWith(eol);
                    assertThat(r.bytes()).isEqualTo(line.length() + (last ? 0 : eol.length()));
                } else {
                    assertThat(r.text()).isEqualTo(line);
                    assertThat(r.bytes()).isEqualTo(line.length());
                }
            }
        } finally {
            Files.delete(file);
        }
    }

    @Provide
    Arbitrary<List<String>> lines() {
        return Arbitraries.strings()
                .withChars("ab\u00e9")
                .ofMaxLength(30)
                .map(s -> s.replace('\u00e9', 'c'))
                .list()
                .ofMaxSize(12);
    }

    @Test
    @Timeout(60)
    void aHundredMegabyteLineIsMarkedAndHeldAsLimitPlusOneBytes() throws IOException {
        Path file = Files.createTempFile("long", ".txt");
        try {
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write("emma\n".getBytes(StandardCharsets.US_ASCII));
                byte[] block = new byte[1 << 20];
                Arrays.fill(block, (byte) 'x');
                for (int i = 0; i < 100; i++) {
                    out.write(block);
                }
                out.write("\nava\n".getBytes(StandardCharsets.US_ASCII));
            }
            List<Read> read = readAll(file, 8 << 20, 1 << 20);
            assertThat(read).hasSize(3);
            assertThat(read.get(0)).isEqualTo(new Read("emma", false, 4));
            assertThat(read.get(1).overLimit()).isTrue();
            assertThat(read.get(1).text()).hasSize((1 << 20) + 1);
            assertThat(read.get(1).bytes()).isEqualTo(100L * (1 << 20) + 1);
            assertThat(read.get(2)).isEqualTo(new Read("ava", false, 3));
        } finally {
            Files.delete(file);
        }
    }

    @Test
    void aByteOrderMarkIsDroppedAndABzip2FileReadsTheSameInAnySplits() throws IOException {
        Path plain = Files.createTempFile("bom", ".txt");
        Path bz2 = Files.createTempFile("lines", ".txt.bz2");
        try {
            Files.write(plain, ("\uFEFFemma\nolivia\n").getBytes(StandardCharsets.UTF_8));
            assertThat(readAll(plain, 1000, 100)).extracting(Read::text).containsExactly("emma", "olivia");
            assertThat(readAll(plain, 1000, 4)).extracting(Read::overLimit).containsExactly(false, true);

            StringBuilder text = new StringBuilder();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 3000; i++) {
                String line = i % 500 == 7 ? "y".repeat(5000) : "name" + i;
                expected.add(line);
                text.append(line).append('\n');
            }
            BZip2Codec codec = new BZip2Codec();
            codec.setConf(new Configuration());
            try (OutputStream out = codec.createOutputStream(Files.newOutputStream(bz2))) {
                out.write(text.toString().getBytes(StandardCharsets.US_ASCII));
            }
            for (int split : new int[] {Integer.MAX_VALUE, 997}) {
                List<Read> read = readAll(bz2, split, 100);
                assertThat(read).hasSize(expected.size());
                for (int i = 0; i < expected.size(); i++) {
                    assertThat(read.get(i).overLimit())
                            .isEqualTo(expected.get(i).length() > 100);
                }
            }
        } finally {
            Files.delete(plain);
            Files.delete(bz2);
        }
    }

    private static List<Read> readAll(Path file, long splitSize, int limit) throws IOException {
        Configuration conf = new Configuration();
        conf.setInt(BoundedLineReader.MAX_RECORD_BYTES, limit);
        long length = Files.size(file);
        List<Read> out = new ArrayList<>();
        for (long start = 0; start < Math.max(1, length); start += splitSize) {
            FileSplit split = new FileSplit(
                    new org.apache.hadoop.fs.Path(file.toUri()), start, Math.min(splitSize, length - start), null);
            try (BoundedLineReader reader = new BoundedLineReader()) {
                reader.initialize(split, new TaskAttemptContextImpl(conf, new TaskAttemptID()));
                while (reader.nextKeyValue()) {
                    BoundedLineReader.Line line = (BoundedLineReader.Line) reader.getCurrentValue();
                    out.add(new Read(line.toString(), line.overLimit(), line.bytes()));
                }
            }
        }
        return out;
    }
}
