package io.headwise.spark;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.Seekable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CodecPool;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.io.compress.Decompressor;
import org.apache.hadoop.io.compress.SplitCompressionInputStream;
import org.apache.hadoop.io.compress.SplittableCompressionCodec;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.RecordReader;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.lib.input.CompressedSplitLineReader;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.hadoop.mapreduce.lib.input.SplitLineReader;
import org.apache.hadoop.mapreduce.lib.input.TextInputFormat;
import org.apache.hadoop.mapreduce.lib.input.UncompressedSplitLineReader;

/**
 * The lines of one input split, as Hadoop's {@code LineRecordReader} splits them (the same split
 * boundaries, {@code .bz2} split by block, {@code .gz} read whole, a UTF-8 byte order mark at the
 * start of a file dropped), except for lines longer than a limit: of such a line only the first
 * {@code limit + 1} bytes are kept in memory, the rest is read past, and the line is handed on
 * marked as {@link Line#overLimit() over the limit} with its full length. Hadoop's own bound
 * ({@code mapreduce.input.linerecordreader.line.maxlength}) drops such lines without a trace,
 * which would shift every later line number; this one keeps them so that they become rejects.
 */
public final class BoundedLineReader extends RecordReader<LongWritable, Text> {

    /** The Hadoop configuration key holding the limit in bytes (a line's bytes, without its end). */
    public static final String MAX_RECORD_BYTES = "headwise.corpus.maxRecordBytes";

    /** The input format whose record reader this is. */
    public static final class Format extends TextInputFormat {
        @Override
        public RecordReader<LongWritable, Text> createRecordReader(InputSplit split, TaskAttemptContext context) {
            return new BoundedLineReader();
        }
    }

    /** A line's bytes (at most {@code limit + 1} of them) and its full length. */
    public static final class Line extends Text {
        private long bytes;
        private boolean overLimit;
        private int limit;

        /** The limit the line was read with. */
        public int limit() {
            return limit;
        }

        /**
         * The line's length in bytes: without its end of line when within the limit; with it
         * (the bytes read past) when over.
         */
        public long bytes() {
            return bytes;
        }

        /** Whether the line is longer than the limit; then only its first bytes are held. */
        public boolean overLimit() {
            return overLimit;
        }
    }

    private int limit;
    private long start;
    private long end;
    private long pos;
    private boolean compressed;
    private Seekable filePosition;
    private FSDataInputStream fileIn;
    private SplitLineReader in;
    private Decompressor decompressor;
    private final LongWritable key = new LongWritable();
    private final Line value = new Line();

    @Override
    public void initialize(InputSplit genericSplit, TaskAttemptContext context) throws IOException {
        FileSplit split = (FileSplit) genericSplit;
        Configuration conf = context.getConfiguration();
        limit = conf.getInt(MAX_RECORD_BYTES, Integer.MAX_VALUE - 8);
        start = split.getStart();
        end = start + split.getLength();
        Path file = split.getPath();
        fileIn = file.getFileSystem(conf).open(file);
        CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
        if (codec != null) {
            compressed = true;
            decompressor = CodecPool.getDecompressor(codec);
            if (codec instanceof SplittableCompressionCodec splittable) {
                SplitCompressionInputStream cIn = splittable.createInputStream(
                        fileIn, decompressor, start, end, SplittableCompressionCodec.READ_MODE.BYBLOCK);
                in = new CompressedSplitLineReader(cIn, conf, null);
                start = cIn.getAdjustedStart();
                end = cIn.getAdjustedEnd();
                filePosition = cIn;
            } else {
                if (start != 0) {
                    throw new IOException("cannot seek in a " + codec.getClass().getSimpleName() + " stream");
                }
                in = new SplitLineReader(codec.createInputStream(fileIn, decompressor), conf, null);
                filePosition = fileIn;
            }
        } else {
            fileIn.seek(start);
            in = new UncompressedSplitLineReader(fileIn, conf, null, split.getLength());
            filePosition = fileIn;
        }
        if (start != 0) { // the previous split's reader reads the line that crosses into this one
            start += in.readLine(new Text(), 0, Integer.MAX_VALUE);
        }
        pos = start;
    }

    @Override
    public boolean nextKeyValue() throws IOException {
        if (!(filePosition() <= end || in.needAdditionalRecordAfterSplit())) {
            return false;
        }
        key.set(pos);
        boolean first = pos == 0;
        int held = (int) Math.min(Integer.MAX_VALUE, limit + (first ? 4L : 1L)); // room for a byte order mark
        int consumed = in.readLine(value, held, Integer.MAX_VALUE);
        pos += consumed;
        if (consumed == 0) {
            return false;
        }
        if (first && startsWithByteOrderMark()) {
            byte[] rest = value.copyBytes();
            value.set(rest, 3, rest.length - 3);
            consumed -= 3;
        }
        value.overLimit = value.getLength() > limit;
        value.bytes = value.overLimit ? consumed : value.getLength();
        value.limit = limit;
        if (value.overLimit && value.getLength() > limit + 1) {
            value.set(value.copyBytes(), 0, limit + 1);
        }
        return true;
    }

    private boolean startsWithByteOrderMark() {
        byte[] b = value.getBytes();
        return value.getLength() >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF;
    }

    private long filePosition() throws IOException {
        return compressed && filePosition != null ? filePosition.getPos() : pos;
    }

    @Override
    public LongWritable getCurrentKey() {
        return key;
    }

    @Override
    public Text getCurrentValue() {
        return value;
    }

    @Override
    public float getProgress() throws IOException {
        return start == end ? 0 : Math.min(1f, (filePosition() - start) / (float) (end - start));
    }

    @Override
    public void close() throws IOException {
        try {
            if (in != null) {
                in.close();
            } else if (fileIn != null) {
                fileIn.close();
            }
        } finally {
            if (decompressor != null) {
                CodecPool.returnDecompressor(decompressor);
                decompressor = null;
            }
        }
    }
}
