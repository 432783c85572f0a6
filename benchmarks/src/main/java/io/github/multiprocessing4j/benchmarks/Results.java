package io.github.multiprocessing4j.benchmarks;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one run measured: the figures, the ratios between them, and what was skipped and why.
 * Prints itself as a table and as the JSON of {@code results.json}.
 */
final class Results {

    /** What a figure counts, and the key of its medians in {@code results.json}. */
    enum Unit {
        MS("ms", "medians_ms"),
        MIB("MiB", "medians_mib"),
        /** Microseconds (printed "us"): per message, where milliseconds would show only zeros. */
        US("us", "medians_us"),
        /** Nanoseconds: per operation within one JVM, where microseconds would show only zeros. */
        NS("ns", "medians_ns"),
        /** Messages per second: higher is better. */
        PER_S("msg/s", "medians_msgs_per_s"),
        /** MiB per second: higher is better. */
        MIB_PER_S("MiB/s", "medians_mib_per_s"),
        /** A speed-up, one time over another (printed "x"): higher is better. */
        SPEEDUP("x", "medians_speedup");

        private final String label;
        private final String jsonKey;

        Unit(String label, String jsonKey) {
            this.label = label;
            this.jsonKey = jsonKey;
        }
    }

    /** One measured figure. */
    private record Figure(String label, Unit unit, Samples samples) {
    }

    /** A ratio of two figures' medians. */
    private record Ratio(String name, String numerator, String denominator) {
    }

    private final Map<String, Figure> figures = new LinkedHashMap<>();
    private final Map<String, String> skippedFigures = new LinkedHashMap<>();
    private final List<Ratio> ratios = new ArrayList<>();
    private final Map<String, Object> repetitions = new LinkedHashMap<>();
    private final Map<String, Object> machine = new LinkedHashMap<>();
    private boolean failed;

    void record(String key, String label, Unit unit, Samples samples) {
        figures.put(key, new Figure(label, unit, samples));
    }

    /** Marks figures as not measured; ratios that need them are skipped with the same reason. */
    void skip(String reason, String... keys) {
        for (String key : keys) {
            skippedFigures.putIfAbsent(key, reason);
        }
    }

    /** Like {@link #skip}, for a part that should have run and did not: the run's exit status is 1. */
    void fail(String reason, String... keys) {
        failed = true;
        skip("failed: " + reason, keys);
    }

    boolean failed() {
        return failed;
    }

    /** Declares the ratio {@code numerator / denominator} of two figures' medians; lower is better. */
    void ratio(String name, String numerator, String denominator) {
        ratios.add(new Ratio(name, numerator, denominator));
    }

    Map<String, Object> repetitions() {
        return repetitions;
    }

    Map<String, Object> machine() {
        return machine;
    }

    private Map<String, Double> ratioValues() {
        Map<String, Double> values = new LinkedHashMap<>();
        for (Ratio ratio : ratios) {
            Figure top = figures.get(ratio.numerator());
            Figure bottom = figures.get(ratio.denominator());
            if (top != null && bottom != null) {
                values.put(ratio.name(), top.samples().median() / bottom.samples().median());
            }
        }
        return values;
    }

    private Map<String, String> allSkipped() {
        Map<String, String> skipped = new LinkedHashMap<>();
        for (Ratio ratio : ratios) {
            if (!figures.containsKey(ratio.numerator()) || !figures.containsKey(ratio.denominator())) {
                String reason = skippedFigures.getOrDefault(ratio.numerator(), skippedFigures.get(ratio.denominator()));
                skipped.put(ratio.name(), reason != null ? reason : "not measured");
            }
        }
        skippedFigures.forEach((key, reason) -> {
            if (!figures.containsKey(key)) {
                skipped.putIfAbsent(key, reason);
            }
        });
        return skipped;
    }

    /** The content of {@code results.json}. */
    Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        Map<String, Object> ratioJson = new LinkedHashMap<>();
        ratioValues().forEach((name, value) -> ratioJson.put(name, round(value)));
        json.put("ratios", ratioJson);
        json.put("skipped", new LinkedHashMap<String, Object>(allSkipped()));
        for (Unit unit : Unit.values()) {
            json.put(unit.jsonKey, medians(unit));
        }
        Map<String, Object> samples = new LinkedHashMap<>();
        figures.forEach((key, figure) -> samples.put(key,
                figure.samples().values().stream().map(Results::round).map(Object.class::cast).toList()));
        json.put("samples", samples);
        json.put("repetitions", repetitions);
        json.put("machine", machine);
        return json;
    }

    private Map<String, Object> medians(Unit unit) {
        Map<String, Object> medians = new LinkedHashMap<>();
        figures.forEach((key, figure) -> {
            if (figure.unit() == unit) {
                medians.put(key, round(figure.samples().median()));
            }
        });
        return medians;
    }

    private static Double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /** Prints the figures, the ratios and what was skipped, in aligned columns. */
    void print(PrintStream out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"figure", "key", "median", "min", "max", "n"});
        figures.forEach((key, figure) -> rows.add(new String[] {figure.label(), key,
                number(figure.samples().median()) + " " + figure.unit().label,
                number(figure.samples().min()), number(figure.samples().max()),
                String.valueOf(figure.samples().count())}));
        table(out, rows, new boolean[] {false, false, true, true, true, true});

        out.println();
        List<String[]> ratioRows = new ArrayList<>();
        ratioRows.add(new String[] {"ratio (lower is better)", "value", "="});
        Map<String, Double> values = ratioValues();
        for (Ratio ratio : ratios) {
            Double value = values.get(ratio.name());
            if (value != null) {
                ratioRows.add(new String[] {ratio.name(), String.format(Locale.ROOT, "%.2f", value),
                        ratio.numerator() + " / " + ratio.denominator()});
            }
        }
        table(out, ratioRows, new boolean[] {false, true, false});

        Map<String, String> skipped = allSkipped();
        if (!skipped.isEmpty()) {
            out.println();
            List<String[]> skippedRows = new ArrayList<>();
            skippedRows.add(new String[] {"skipped", "why"});
            skipped.forEach((key, reason) -> skippedRows.add(new String[] {key, reason}));
            table(out, skippedRows, new boolean[] {false, false});
        }
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    private static void table(PrintStream out, List<String[]> rows, boolean[] rightAligned) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                if (i > 0) {
                    line.append("  ");
                }
                boolean last = i == row.length - 1;
                String cell = row[i];
                String padding = " ".repeat(widths[i] - cell.length());
                if (rightAligned[i]) {
                    line.append(padding).append(cell);
                } else {
                    line.append(cell).append(last ? "" : padding);
                }
            }
            out.println(line);
            if (r == 0) {
                int total = 0;
                for (int width : widths) {
                    total += width;
                }
                out.println("-".repeat(total + 2 * (widths.length - 1)));
            }
        }
    }
}
