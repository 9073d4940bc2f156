// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench.driver;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The soak's table: the counts, the heap, the faults' recovery, and the samples over time. */
final class SoakReport {
    private static final String[][] COLUMNS = {
            {"t_s", "t s"}, {"committed", "published"}, {"receipts_rows", "received"}, {"failed", "failed"},
            {"queue_rows", "queue"}, {"queue_dead", "q dead"}, {"queue_dead_stat", "q dead~"}, {"queue_bytes", "q kB"},
            {"queue_autovacuums", "q av"}, {"archive_rows", "archive"}, {"archive_dead", "a dead"},
            {"archive_dead_stat", "a dead~"}, {"archive_bytes", "a kB"}, {"archive_autovacuums", "a av"},
            {"ledger_bytes", "ledger kB"}, {"receipts_bytes", "rcpt kB"}, {"prepared_xacts", "prep"},
            {"heap_used_mb", "heap MB"}, {"load1", "load"}};

    private final Map<String, Object> machine;
    private final List<Result> results;

    SoakReport(Map<String, Object> machine, List<Result> results) {
        this.machine = machine;
        this.results = List.copyOf(results);
    }

    String table() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "pgmq-bus soak %s: %s messages at %s msg/s, %s per publishing transaction,"
                + " to %s; ack mode %s%n", machine.get("date"), machine.get("messages"), machine.get("rate"),
                machine.get("per_transaction"), machine.get("listener"), machine.get("ack_mode")));
        b.append(String.format(Locale.ROOT, "%s CPUs, load %s at the start, %s at the end; %s; %s%n%n",
                machine.get("cpus"), machine.get("load_start"), machine.get("load_end"), machine.get("postgresql"),
                machine.get("wildfly")));
        for (Result r : of("summary")) {
            b.append(line(r, "published", "received", "lost", "duplicates", "dead_lettered", "failed_publishes",
                    "failed_but_committed", "acknowledged_not_in_ledger", "published_twice", "received_unpublished"));
            b.append(line(r, "attempted", "schedule_slots_given_up", "drain_s", "elapsed_s", "in_doubt_committed_by_driver",
                    "prepared_left"));
            if (r.number("in_doubt_committed_by_driver") > 0) {
                b.append("  prepared transactions the server's recovery left, committed by the driver: ")
                        .append(r.metrics.get("in_doubt")).append('\n');
            }
            if (r.number("lost") > 0) {
                b.append("  lost, the first: ").append(r.metrics.get("lost_first")).append('\n');
            }
        }
        b.append('\n');
        for (Result r : of("heap")) {
            b.append(String.format(Locale.ROOT, "%-22s after GC %7s MB used (%s MB committed, max %s) at %s published%n",
                    r.name, r.metrics.get("used_mb"), r.metrics.get("committed_mb"), r.metrics.get("max_mb"),
                    r.metrics.get("at_committed")));
        }
        b.append('\n');
        for (Result r : of("fault")) {
            b.append(r.name).append(" at ").append(r.metrics.get("at_committed")).append(" published:\n  ")
                    .append(line(r, "killed_s", "down_s", "back_s", "first_publish_s", "first_delivery_s", "caught_up_s",
                            "failed_publishes"));
        }
        b.append("\nover time (q = the bean's queue, a = its archive; dead = pgstattuple, dead~ = the statistics'"
                + " estimate, reset by a crash; av = autovacuum runs; prep = prepared transactions):\n");
        StringBuilder header = new StringBuilder();
        for (String[] c : COLUMNS) {
            header.append(String.format(Locale.ROOT, "%10s", c[1]));
        }
        b.append(header).append('\n');
        for (Result r : of("sample")) {
            for (String[] c : COLUMNS) {
                Object v = r.metrics.get(c[0]);
                if (v instanceof Long l && c[1].endsWith("kB")) {
                    v = l / 1024;
                }
                b.append(String.format(Locale.ROOT, "%10s", v == null ? "" : v));
            }
            if (r.metrics.containsKey("error")) {
                b.append("  ").append(r.metrics.get("error"));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private List<Result> of(String scenario) {
        return results.stream().filter(r -> r.scenario.equals(scenario)).toList();
    }

    private static String line(Result r, String... keys) {
        StringBuilder b = new StringBuilder();
        for (String k : keys) {
            if (r.metrics.containsKey(k)) {
                b.append(b.length() == 0 ? "" : ", ").append(k.replace('_', ' ')).append(' ').append(r.metrics.get(k));
            }
        }
        return b.append('\n').toString();
    }
}
