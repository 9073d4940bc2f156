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

/** Writes what a run measured: results.json, results.csv, a table on stdout and plot.png. */
final class Report {
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
        new Plot(machine, results).write(dir.resolve("plot.png"));
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
        if (r.metrics.containsKey("ratio_to_app")) {
            n.add("ratio to PGMQ in the app " + fmt(r.number("ratio_to_app")));
        }
        if (r.metrics.containsKey("ratio_to_best_raw")) {
            n.add("ratio to the best raw of " + (long) r.number("producers") + " producer(s) " + fmt(r.number("ratio_to_best_raw")));
        }
        if (r.metrics.containsKey("after_commit_p50_ms")) {
            n.add("after commit returned p50/p99 " + fmt(r.number("after_commit_p50_ms")) + "/"
                    + fmt(r.number("after_commit_p99_ms")) + " ms, publish tx p50 " + fmt(r.number("publish_commit_p50_ms")) + " ms");
        }
        for (String k : List.of("longest_gap_ms", "reads_per_s", "transactions_per_s", "connections_max", "connections_end",
                "listening_max", "load1")) {
            if (r.metrics.containsKey(k)) {
                n.add(k + " " + r.metrics.get(k));
            }
        }
        return String.join(", ", n);
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
