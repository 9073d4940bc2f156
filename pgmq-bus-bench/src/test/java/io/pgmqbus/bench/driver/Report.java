// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench.driver;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonWriterFactory;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes what a run measured: results.json, results.csv, a table on stdout and plot.svg. */
final class Report {
    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#7f7f7f", "#d62728"};

    private final Map<String, Object> machine;
    private final List<Result> results;

    Report(Map<String, Object> machine, List<Result> results) {
        this.machine = machine;
        this.results = results;
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("results.json"), json());
        Files.writeString(dir.resolve("results.csv"), csv());
        Files.writeString(dir.resolve("plot.svg"), svg());
    }

    String json() {
        JsonObjectBuilder m = Json.createObjectBuilder();
        machine.forEach((k, v) -> add(m, k, v));
        JsonArrayBuilder rs = Json.createArrayBuilder();
        for (Result r : results) {
            JsonObjectBuilder o = Json.createObjectBuilder().add("scenario", r.scenario).add("name", r.name);
            r.metrics.forEach((k, v) -> add(o, k, v));
            rs.add(o);
        }
        StringWriter out = new StringWriter();
        JsonWriterFactory f = Json.createWriterFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));
        f.createWriter(out).write(Json.createObjectBuilder().add("machine", m).add("results", rs).build());
        return out + "\n";
    }

    private static void add(JsonObjectBuilder o, String k, Object v) {
        if (v instanceof Integer i) {
            o.add(k, i);
        } else if (v instanceof Long l) {
            o.add(k, l);
        } else if (v instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) {
                o.addNull(k);
            } else {
                o.add(k, d);
            }
        } else if (v instanceof Boolean b) {
            o.add(k, b);
        } else {
            o.add(k, String.valueOf(v));
        }
    }

    String csv() {
        StringBuilder b = new StringBuilder("scenario,name,metric,value\n");
        for (Result r : results) {
            r.metrics.forEach((k, v) -> b.append(quote(r.scenario)).append(',').append(quote(r.name)).append(',')
                    .append(k).append(',').append(quote(String.valueOf(v))).append('\n'));
        }
        return b.toString();
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }

    /** The short table: one line per result, the metrics that matter for it. */
    String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "%-12s %-42s %10s %8s %8s %8s %8s %8s  %s%n", "scenario", "variant",
                "msgs/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "ratio", "notes"));
        for (Result r : results) {
            String prefix = r.metrics.containsKey("latency_p50_ms") ? "latency_"
                    : r.metrics.containsKey("publish_p50_ms") ? "publish_"
                    : r.metrics.containsKey("send_p50_ms") ? "send_" : null;
            double rate = first(r, "msgs_per_s", "publishes_per_s", "queries_per_s");
            b.append(String.format(Locale.ROOT, "%-12s %-42s %10s %8s %8s %8s %8s %8s  %s%n", r.scenario, r.name,
                    fmt(rate), prefix == null ? "" : fmt(r.number(prefix + "p50_ms")),
                    prefix == null ? "" : fmt(r.number(prefix + "p90_ms")),
                    prefix == null ? "" : fmt(r.number(prefix + "p99_ms")),
                    prefix == null ? "" : fmt(r.number(prefix + "max_ms")),
                    fmt(first(r, "ratio_to_raw", "ratio_to_1_subscriber")), notes(r)));
        }
        return b.toString();
    }

    private static double first(Result r, String... metrics) {
        for (String m : metrics) {
            if (r.metrics.containsKey(m)) {
                return r.number(m);
            }
        }
        return Double.NaN;
    }

    private static String notes(Result r) {
        List<String> n = new ArrayList<>();
        for (String k : List.of("lost", "redelivered", "failed_publishes")) {
            if (r.number(k) > 0) {
                n.add(k + " " + (long) r.number(k));
            }
        }
        for (String k : List.of("reads_per_s", "transactions_per_s", "connections_max", "listening_max", "load1")) {
            if (r.metrics.containsKey(k)) {
                n.add(k + " " + r.metrics.get(k));
            }
        }
        return String.join(", ", n);
    }

    private static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    // ---- plot ---------------------------------------------------------------------------------

    String svg() {
        StringBuilder s = new StringBuilder();
        s.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1260\" height=\"470\" font-family=\"sans-serif\" font-size=\"12\">\n");
        s.append("<rect width=\"1260\" height=\"470\" fill=\"white\"/>\n");
        s.append(text(630, 20, "pgmq-bus benchmark: " + machine.getOrDefault("date", "") + ", " + machine.getOrDefault("cpus", "?")
                + " CPUs, load " + machine.getOrDefault("load_start", "?") + " → " + machine.getOrDefault("load_end", "?"), "middle", 14));
        latencyPanel(s, 50, 50);
        throughputPanel(s, 470, 50);
        fanOutPanel(s, 890, 50);
        s.append("</svg>\n");
        return s.toString();
    }

    private static final int W = 340;
    private static final int H = 330;

    private void latencyPanel(StringBuilder s, int x0, int y0) {
        s.append(text(x0 + W / 2, y0 - 10, "Commit → onMessage, CDF (log ms)", "middle", 13));
        frame(s, x0, y0);
        double lo = -1;
        double hi = 3; // 0.1 ms .. 1000 ms
        for (int e = -1; e <= 3; e++) {
            double x = x0 + (e - lo) / (hi - lo) * W;
            s.append(line(x, y0 + H, x, y0, "#ddd"));
            s.append(text(x, y0 + H + 15, e < 0 ? "0.1" : String.valueOf((long) Math.pow(10, e)), "middle", 11));
        }
        for (int q = 0; q <= 4; q++) {
            double y = y0 + H - q * H / 4.0;
            s.append(line(x0, y, x0 + W, y, "#ddd"));
            s.append(text(x0 - 5, y + 4, String.valueOf(q * 25) + "%", "end", 11));
        }
        int color = 0;
        int legend = 0;
        for (Result r : results) {
            if (r.samplesMicros == null || r.samplesMicros.length == 0 || !r.scenario.startsWith("2")) {
                continue;
            }
            long[] sorted = r.samplesMicros.clone();
            java.util.Arrays.sort(sorted);
            StringBuilder points = new StringBuilder();
            int step = Math.max(1, sorted.length / 400);
            for (int i = 0; i < sorted.length; i += step) {
                double ms = Math.max(0.1, sorted[i] / 1000.0);
                double x = x0 + (Math.min(hi, Math.log10(ms)) - lo) / (hi - lo) * W;
                double y = y0 + H - (i + 1.0) / sorted.length * H;
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            String c = COLORS[color++ % COLORS.length];
            s.append("<polyline fill=\"none\" stroke=\"").append(c).append("\" stroke-width=\"2\" points=\"")
                    .append(points).append("\"/>\n");
            s.append(legendEntry(x0 + 10, y0 + 15 + 16 * legend++, c, r.name + " (p50 " + fmt(r.number("latency_p50_ms")) + " ms)"));
        }
    }

    private void throughputPanel(StringBuilder s, int x0, int y0) {
        s.append(text(x0 + W / 2, y0 - 10, "Throughput, msgs/s (publishers × sessions)", "middle", 13));
        frame(s, x0, y0);
        List<String> groups = List.of("1 x 1", "1 x 4", "4 x 1", "4 x 4");
        String[] series = {"raw PGMQ", "bus", "JMS"};
        double max = 1;
        double[][] v = new double[groups.size()][series.length];
        for (int g = 0; g < groups.size(); g++) {
            for (int k = 0; k < series.length; k++) {
                v[g][k] = throughput(series[k], groups.get(g));
                if (!Double.isNaN(v[g][k])) {
                    max = Math.max(max, v[g][k]);
                }
            }
        }
        max = niceCeiling(max);
        axisY(s, x0, y0, max);
        double groupW = W / (double) groups.size();
        double barW = groupW / (series.length + 1);
        for (int g = 0; g < groups.size(); g++) {
            for (int k = 0; k < series.length; k++) {
                if (Double.isNaN(v[g][k])) {
                    continue;
                }
                double h = v[g][k] / max * H;
                double x = x0 + g * groupW + barW * (k + 0.5);
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
                        x, y0 + H - h, barW, h, barColor(k)));
            }
            s.append(text(x0 + g * groupW + groupW / 2, y0 + H + 15, groups.get(g), "middle", 11));
        }
        for (int k = 0; k < series.length; k++) {
            s.append(legendEntry(x0 + 10, y0 + 15 + 16 * k, barColor(k), series[k]));
        }
    }

    private static String barColor(int k) {
        return k == 0 ? COLORS[4] : k == 1 ? COLORS[0] : COLORS[2];
    }

    private double throughput(String series, String group) {
        String[] pc = group.split(" x ");
        for (Result r : results) {
            boolean match = switch (series) {
                case "raw PGMQ" -> r.scenario.startsWith("1") && r.metrics.containsKey("consumers");
                case "bus" -> r.scenario.startsWith("3") && r.name.startsWith("bus");
                default -> r.scenario.startsWith("3") && r.name.startsWith("JMS");
            };
            if (match && String.valueOf(r.metrics.get("producers")).equals(pc[0])
                    && String.valueOf(r.metrics.get("consumers")).equals(pc[1])) {
                return r.number("msgs_per_s");
            }
        }
        return Double.NaN;
    }

    private void fanOutPanel(StringBuilder s, int x0, int y0) {
        s.append(text(x0 + W / 2, y0 - 10, "Fan-out: ms per publish (mean) by subscribers", "middle", 13));
        frame(s, x0, y0);
        int[] subs = {1, 4, 16};
        String[] backends = {"direct", "isolated"};
        double[][] v = new double[subs.length][backends.length];
        double max = 0.1;
        for (int i = 0; i < subs.length; i++) {
            for (int k = 0; k < backends.length; k++) {
                v[i][k] = Double.NaN;
                for (Result r : results) {
                    if (r.scenario.startsWith("4") && backends[k].equals(r.metrics.get("backend"))
                            && Integer.valueOf(subs[i]).equals(r.metrics.get("subscribers"))) {
                        v[i][k] = 1000.0 / r.number("publishes_per_s");
                        max = Math.max(max, v[i][k]);
                    }
                }
            }
        }
        double send = Double.NaN;
        for (Result r : results) {
            if (r.scenario.startsWith("1") && r.name.equals("send, 1 client")) {
                send = 1000.0 / r.number("msgs_per_s");
            }
        }
        max = niceCeiling(max);
        axisY(s, x0, y0, max);
        double groupW = W / (double) subs.length;
        double barW = groupW / (backends.length + 1);
        for (int i = 0; i < subs.length; i++) {
            for (int k = 0; k < backends.length; k++) {
                if (Double.isNaN(v[i][k])) {
                    continue;
                }
                double h = v[i][k] / max * H;
                double x = x0 + i * groupW + barW * (k + 0.5);
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
                        x, y0 + H - h, barW, h, COLORS[k == 0 ? 0 : 3]));
            }
            s.append(text(x0 + i * groupW + groupW / 2, y0 + H + 15, subs[i] + " sub" + (subs[i] > 1 ? "s" : ""), "middle", 11));
        }
        s.append(legendEntry(x0 + 10, y0 + 15, COLORS[0], "direct"));
        s.append(legendEntry(x0 + 10, y0 + 31, COLORS[3], "isolated"));
        if (!Double.isNaN(send)) {
            double y = y0 + H - send / max * H;
            s.append("<line x1=\"" + x0 + "\" x2=\"" + (x0 + W) + "\" y1=\"" + fmt1(y) + "\" y2=\"" + fmt1(y)
                    + "\" stroke=\"" + COLORS[4] + "\" stroke-dasharray=\"5,4\"/>\n");
            s.append(legendEntry(x0 + 10, y0 + 47, COLORS[4], "raw pgmq.send, 1 client"));
        }
    }

    private static void frame(StringBuilder s, int x0, int y0) {
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#333\"/>%n",
                x0, y0, W, H));
    }

    private static void axisY(StringBuilder s, int x0, int y0, double max) {
        for (int q = 0; q <= 4; q++) {
            double y = y0 + H - q * H / 4.0;
            s.append(line(x0, y, x0 + W, y, "#ddd"));
            s.append(text(x0 - 5, y + 4, fmt(max * q / 4), "end", 11));
        }
    }

    private static double niceCeiling(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String legendEntry(double x, double y, String color, String label) {
        return String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"10\" fill=\"%s\"/>%n", x, y - 9, color)
                + text(x + 16, y, label, "start", 11);
    }

    private static String line(double x1, double y1, double x2, double y2, String color) {
        return String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n", x1, y1, x2, y2, color);
    }

    private static String text(double x, double y, String text, String anchor, int size) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x, y, anchor, size, text.replace("&", "&amp;").replace("<", "&lt;"));
    }

    private static String fmt1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
