// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench.driver;

import io.pgmqbus.bench.SoakResource;
import io.pgmqbus.ra.backend.AckMode;
import io.pgmqbus.ra.backend.DirectBackend;
import io.pgmqbus.ra.backend.QueueNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the soak reads in the database. Besides the bean's subscription ({@code soak} on the soak's
 * channel, whose queue and archive are what the soak watches), the driver joins two durable
 * subscriptions nobody consumes: {@code ledger} on the same channel, so every committed publish
 * leaves a copy in the same transaction (what was really committed, whatever the publisher was
 * told), and {@code receipts}, which the bean sends a receipt to in each delivery's transaction
 * (what was really received, once per committed delivery). Every query opens its own connection,
 * so a database restart costs the driver nothing.
 */
final class SoakTables {
    private final Clients.Connector db;
    private final String channel;
    private final String ledger;
    private final String receipts;
    /** The queue of the bean's durable subscription. */
    private final String consumer;
    private boolean pgstattuple;

    private SoakTables(Clients.Connector db, String channel, String ledger, String receipts) {
        this.db = db;
        this.channel = channel;
        this.consumer = QueueNames.durableQueue(channel, "soak");
        this.ledger = ledger;
        this.receipts = receipts;
    }

    /** Joins the ledger subscription of {@code channel} and the receipts subscription (before anything is published). */
    static SoakTables join(Clients.Connector db, String channel) throws SQLException {
        DirectBackend backend = new DirectBackend(AckMode.ARCHIVE);
        try (Connection c = db.open(); Statement st = c.createStatement()) {
            String ledger = backend.join(c, channel, "ledger", "soak-driver", 600).queueName();
            String receipts = backend.join(c, SoakResource.RECEIPTS, SoakResource.RECEIPTS_SUBSCRIPTION, "soak-driver", 600)
                    .queueName();
            SoakTables t = new SoakTables(db, channel, ledger, receipts);
            try {
                st.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple");
                t.pgstattuple = true;
            } catch (SQLException e) {
                t.pgstattuple = false; // exact dead tuples not available: the statistics' estimate only
            }
            return t;
        }
    }

    /** Fails unless the bean's subscription queue is there (its activation creates it at deployment). */
    void requireConsumer() throws SQLException {
        if (single("SELECT count(*) FROM pgmq_bus.subscription WHERE queue_name = '" + consumer + "'") == 0) {
            throw new IllegalStateException("the soak bean's subscription " + consumer + " is not there: is SoakListener deployed?");
        }
    }

    String consumer() {
        return consumer;
    }

    String channel() {
        return channel;
    }

    /** The highest receipt id committed: grows as long as deliveries commit. */
    long lastReceipt() throws SQLException {
        return single("SELECT coalesce(max(msg_id), 0) FROM pgmq.q_" + receipts);
    }

    /** The highest ledger id committed: grows as long as publishes commit. */
    long lastPublish() throws SQLException {
        return single("SELECT coalesce(max(msg_id), 0) FROM pgmq.q_" + ledger);
    }

    /** Age in seconds of the oldest message in the bean's queue (0 when it is empty). */
    double oldestSeconds() throws SQLException {
        try (Connection c = db.open(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT coalesce(extract(epoch FROM clock_timestamp() - min(enqueued_at)), 0) FROM pgmq.q_" + consumer)) {
            rs.next();
            return rs.getDouble(1);
        }
    }

    long depth() throws SQLException {
        return single("SELECT count(*) FROM pgmq.q_" + consumer);
    }

    long prepared() throws SQLException {
        return single("SELECT count(*) FROM pg_prepared_xacts");
    }

    /**
     * One sample: rows, dead tuples (the statistics' estimate that autovacuum acts on, reset by a
     * crash, and the exact count from pgstattuple where available), total size and autovacuum runs
     * of the bean's queue and archive; the ledger's and receipts' rows and sizes; prepared transactions.
     */
    Map<String, Object> sample() throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        try (Connection c = db.open(); Statement st = c.createStatement()) {
            for (String[] t : new String[][] {{"queue", "q_" + consumer}, {"archive", "a_" + consumer}}) {
                try (ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM pgmq." + t[1] + "), n_dead_tup,"
                        + " pg_total_relation_size(relid), autovacuum_count FROM pg_stat_user_tables"
                        + " WHERE schemaname = 'pgmq' AND relname = '" + t[1] + "'")) {
                    rs.next();
                    m.put(t[0] + "_rows", rs.getLong(1));
                    m.put(t[0] + "_dead_stat", rs.getLong(2));
                    m.put(t[0] + "_bytes", rs.getLong(3));
                    m.put(t[0] + "_autovacuums", rs.getLong(4));
                }
                if (pgstattuple) {
                    try (ResultSet rs = st.executeQuery("SELECT dead_tuple_count FROM pgstattuple('pgmq." + t[1] + "')")) {
                        rs.next();
                        m.put(t[0] + "_dead", rs.getLong(1));
                    }
                }
            }
            for (String[] t : new String[][] {{"ledger", "q_" + ledger}, {"receipts", "q_" + receipts}}) {
                try (ResultSet rs = st.executeQuery("SELECT count(*), pg_total_relation_size('pgmq." + t[1] + "')"
                        + " FROM pgmq." + t[1])) {
                    rs.next();
                    m.put(t[0] + "_rows", rs.getLong(1));
                    m.put(t[0] + "_bytes", rs.getLong(2));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_prepared_xacts")) {
                rs.next();
                m.put("prepared_xacts", rs.getLong(1));
            }
        }
        return m;
    }

    /**
     * Commits the prepared transactions of this database older than {@code seconds}: branches the
     * transaction manager's recovery has not resolved in that time (several of its passes), which
     * hold their rows locked and the vacuum horizon back for as long as they stay. An operator's
     * step, and reported as such; commit, because a branch the transaction manager has not rolled
     * back as an orphan by then is one of a transaction it logged as committing.
     *
     * @return each one's gid and age
     */
    List<String> commitInDoubt(int seconds) throws SQLException {
        List<String> committed = new ArrayList<>();
        try (Connection c = db.open(); Statement st = c.createStatement()) {
            List<String[]> old = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT gid, round(extract(epoch FROM now() - prepared)) FROM pg_prepared_xacts"
                    + " WHERE database = current_database() AND prepared < now() - make_interval(secs => " + seconds + ")")) {
                while (rs.next()) {
                    old.add(new String[] {rs.getString(1), rs.getString(2)});
                }
            }
            for (String[] x : old) {
                st.execute("COMMIT PREPARED '" + x[0].replace("'", "''") + "'");
                committed.add(x[0] + " (prepared " + x[1] + " s before)");
            }
        }
        return committed;
    }

    /** The sequence numbers of the ledger (committed publishes); numbers there twice are added to {@code twice}. */
    BitSet committed(BitSet twice) throws SQLException {
        return seqs("q_" + ledger, twice);
    }

    /** The sequence numbers of the receipts (committed deliveries); numbers there twice are added to {@code twice}. */
    BitSet received(BitSet twice) throws SQLException {
        return seqs("q_" + receipts, twice);
    }

    /** The sequence numbers of the soak's messages in the channel's dead-letter queue (none when it has none). */
    BitSet deadLettered() throws SQLException {
        String dlq = QueueNames.deadLetterQueue(channel);
        if (single("SELECT count(*) FROM pg_class WHERE oid = to_regclass('pgmq.q_" + dlq + "')") == 0) {
            return new BitSet();
        }
        return seqs("q_" + dlq, new BitSet());
    }

    private BitSet seqs(String table, BitSet twice) throws SQLException {
        BitSet seen = new BitSet();
        try (Connection c = db.open()) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.setFetchSize(10_000);
                try (ResultSet rs = st.executeQuery("SELECT (message->>'seq')::bigint FROM pgmq." + table)) {
                    while (rs.next()) {
                        int seq = (int) rs.getLong(1);
                        if (seen.get(seq)) {
                            twice.set(seq);
                        }
                        seen.set(seq);
                    }
                }
            }
            c.rollback();
        }
        return seen;
    }

    private long single(String sql) throws SQLException {
        try (Connection c = db.open(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
