package io.headwise.report;

import io.headwise.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A model's training curve, {@code MODEL_DIR/curve.csv} as {@code train} writes it: header
 * {@code step,train_loss,test_loss,lr,elapsed_seconds}, one row per evaluation; {@code
 * test_loss} may be empty (no held-out split).
 *
 * @param points the rows in file order
 */
public record TrainingCurve(List<Point> points) {

    public static final String FILE = "curve.csv";
    static final String HEADER = "step,train_loss,test_loss,lr,elapsed_seconds";

    /** One evaluation; {@code testLoss} is NaN when the run had no held-out split. */
    public record Point(int step, double trainLoss, double testLoss, double lr, double elapsedSeconds) {}

    public TrainingCurve {
        points = List.copyOf(points);
    }

    /**
     * The curve of {@code modelDir}, or empty when it has no {@code curve.csv} (a model not
     * trained by Headwise).
     *
     * @throws BadInputException naming the file and line of a malformed row
     */
    public static Optional<TrainingCurve> read(Path modelDir) {
        Path file = modelDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (lines.isEmpty() || !lines.get(0).strip().equals(HEADER)) {
            throw new BadInputException("%s: line 1 must be the header '%s'", file, HEADER);
        }
        List<Point> points = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty()) {
                points.add(parse(file, i + 1, line));
            }
        }
        return Optional.of(new TrainingCurve(points));
    }

    private static Point parse(Path file, int lineNumber, String line) {
        String[] cells = line.split(",", -1);
        if (cells.length != 5) {
            throw new BadInputException(
                    "%s: line %d has %d fields, expected 5 (%s)", file, lineNumber, cells.length, HEADER);
        }
        try {
            return new Point(
                    Integer.parseInt(cells[0]),
                    Double.parseDouble(cells[1]),
                    cells[2].isEmpty() ? Double.NaN : Double.parseDouble(cells[2]),
                    Double.parseDouble(cells[3]),
                    Double.parseDouble(cells[4]));
        } catch (NumberFormatException e) {
            throw new BadInputException("%s: line %d: %s", file, lineNumber, e.getMessage());
        }
    }
}
