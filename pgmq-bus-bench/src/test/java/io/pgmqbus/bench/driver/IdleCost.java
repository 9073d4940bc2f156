// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench.driver;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scenario 5: what an activation that receives nothing costs the database. Every other bus bean's
 * delivery is stopped first (WildFly's {@code stop-delivery}, which deactivates its endpoint), so
 * one activation ({@code BusIdleListener}: notifications on, maxPollSeconds 5) and the adapter's
 * heartbeat remain. Statements are counted with pg_stat_statements when the server has it (else
 * transactions from pg_stat_database); connections are sampled from pg_stat_activity once a
 * second. The observer works from another database, so its own queries are not counted.
 */
final class IdleCost {
    static final List<String> STOPPED = List.of("BusNotifyListener", "BusPollListener", "BusOneSessionListener",
            "BusFourSessionsListener", "BusBatchOneSessionListener", "BusBatchFourSessionListener", "SoakListener",
            "SoakBatchListener");

    private final Clients.Connector observer;
    private final String database;

    IdleCost(Clients.Connector observer, String database) {
        this.observer = observer;
        this.database = database;
    }

    Result measure(double seconds) throws Exception {
        try (Connection c = observer.open(); Statement st = c.createStatement()) {
            boolean statements = statementsAvailable(st);
            long transactionsBefore = transactions(c);
            if (statements) {
                st.execute("SELECT pg_stat_statements_reset()");
            }
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            int samples = 0;
            int maxOpen = 0;
            int maxListening = 0;
            int maxActive = 0;
            long sumOpen = 0;
            int lastOpen = 0;
            while (System.nanoTime() < end) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*), count(*) FILTER (WHERE query ILIKE 'LISTEN%'),"
                                + " count(*) FILTER (WHERE state <> 'idle')"
                                + " FROM pg_stat_activity WHERE datname = ? AND application_name = 'pgmq-bus'")) {
                    ps.setString(1, database);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        maxOpen = Math.max(maxOpen, rs.getInt(1));
                        maxListening = Math.max(maxListening, rs.getInt(2));
                        maxActive = Math.max(maxActive, rs.getInt(3));
                        sumOpen += rs.getInt(1);
                        lastOpen = rs.getInt(1);
                        samples++;
                    }
                }
                Thread.sleep(1000); // a sampling period, not a wait for a condition
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            Thread.sleep(1500); // backends flush their statistics at most once a second
            Result r = new Result("5 idle", "1 idle activation + heartbeat, " + Math.round(elapsed) + " s")
                    .put("seconds", Result.round(elapsed, 1));
            long transactions = transactions(c) - transactionsBefore;
            r.put("transactions_per_s", Result.round(transactions / elapsed, 3));
            if (statements) {
                long total = 0;
                long reads = 0;
                List<String> detail = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT s.calls, regexp_replace(s.query, '\\s+', ' ', 'g') FROM pg_stat_statements s"
                                + " JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = ? ORDER BY s.calls DESC")) {
                    ps.setString(1, database);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            long calls = rs.getLong(1);
                            String query = rs.getString(2);
                            total += calls;
                            String q = query.toLowerCase(Locale.ROOT);
                            if (q.contains("read(") || q.startsWith("with picked as")) { // pgmq.read, or the direct backend's own read
                                reads += calls;
                            }
                            detail.add(calls + " x " + (query.length() > 90 ? query.substring(0, 90) + "..." : query));
                        }
                    }
                }
                r.put("queries_per_s", Result.round(total / elapsed, 3))
                        .put("reads_per_s", Result.round(reads / elapsed, 3))
                        .put("statements", String.join(" | ", detail));
            }
            return r.put("connections_max", maxOpen)
                    .put("connections_mean", Result.round((double) sumOpen / Math.max(1, samples), 2))
                    .put("connections_end", lastOpen)
                    .put("listening_max", maxListening)
                    .put("busy_max", maxActive);
        }
    }

    private static boolean statementsAvailable(Statement st) {
        try {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            st.executeQuery("SELECT count(*) FROM pg_stat_statements").close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private long transactions(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT pg_stat_clear_snapshot(), xact_commit + xact_rollback FROM pg_stat_database WHERE datname = ?")) {
            ps.setString(1, database);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(2) : -1;
            }
        }
    }
}
