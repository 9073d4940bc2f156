// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.faults;

import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the database says happened to the orders: the durable facts the fault suite counts. An
 * order a bean acknowledged is a row of its queue's archive ({@code pgmq.a_<queue>}, ack mode
 * archive) whose {@code read_ct} is the number of deliveries it took; an order still waiting is a
 * row of {@code pgmq.q_<queue>}.
 */
final class Ledger {
    private final TestDatabase db;

    Ledger(TestDatabase db) {
        this.db = db;
    }

    /** The queue of the example's durable subscription {@code billing} on channel {@code orders}. */
    String billingQueue() throws SQLException {
        List<String> q = strings("SELECT queue_name FROM pgmq_bus.subscription WHERE channel = 'orders'"
                + " AND subscription_name = 'billing'");
        if (q.size() != 1) {
            throw new IllegalStateException("expected one billing queue, found " + q);
        }
        return q.get(0);
    }

    /** The ephemeral queues of channel {@code orders} and the node (host/pid) that joined each. */
    Map<String, String> ephemeralQueues() throws SQLException {
        Map<String, String> queues = new HashMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT queue_name, node FROM pgmq_bus.subscription WHERE channel = 'orders' AND kind = 'ephemeral'");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                queues.put(rs.getString(1), rs.getString(2));
            }
        }
        return queues;
    }

    /**
     * The ephemeral queue of channel {@code orders} joined by the server whose JVM has {@code pid},
     * waiting up to 30 s for it (WildFly activates message-driven beans just after it reports the
     * deployment done).
     */
    String ephemeralQueueOf(long pid) throws Exception {
        Map<String, String> queues = Until.reached(Duration.ofSeconds(30), this::ephemeralQueues,
                q -> q.values().stream().anyMatch(node -> node.endsWith("/" + pid)));
        return queues.entrySet().stream().filter(e -> e.getValue().endsWith("/" + pid)).map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalStateException("no ephemeral queue of pid " + pid + ": " + queues));
    }

    /** Item → number of deliveries, of the orders acknowledged on {@code queue} whose item starts with {@code prefix}. */
    Map<String, Integer> acknowledged(String queue, String prefix) throws SQLException {
        Map<String, Integer> items = new HashMap<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT message->>'item', read_ct FROM pgmq." + table("a_", queue) + " WHERE message->>'item' LIKE ?")) {
            ps.setString(1, prefix + "%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    items.merge(rs.getString(1), rs.getInt(2), (a, b) -> -1);   // -1: archived twice
                }
            }
        }
        return items;
    }

    /** How long the order {@code item} waited on {@code queue} between being sent and being acknowledged. */
    Duration ageWhenAcknowledged(String queue, String item) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT (extract(epoch FROM archived_at - enqueued_at) * 1000)::bigint FROM pgmq." + table("a_", queue)
                        + " WHERE message->>'item' = ?")) {
            ps.setString(1, item);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException(item + " is not acknowledged on " + queue);
                }
                return Duration.ofMillis(rs.getLong(1));
            }
        }
    }

    /** Items (starting with {@code prefix}) still waiting on {@code queue}. */
    List<String> waiting(String queue, String prefix) throws SQLException {
        return strings("SELECT message->>'item' FROM pgmq." + table("q_", queue) + " WHERE message->>'item' LIKE ?", prefix + "%");
    }

    /** Whether the queue's tables still exist. */
    boolean exists(String queue) throws SQLException {
        return !strings("SELECT 1 FROM pg_tables WHERE schemaname = 'pgmq' AND tablename = ?", "q_" + queue).isEmpty();
    }

    /** The global ids of the transactions prepared and not yet committed or rolled back. */
    List<String> prepared() throws SQLException {
        return strings("SELECT gid FROM pg_prepared_xacts");
    }

    /**
     * Every item starting with {@code prefix} on any queue or archive of the bus. A table dropped
     * between the listing and its reading (a dead node's ephemeral queue being reaped meanwhile)
     * holds nothing any more and is passed over.
     */
    List<String> anywhere(String prefix) throws SQLException {
        List<String> found = new ArrayList<>();
        for (String table : strings("SELECT tablename FROM pg_tables WHERE schemaname = 'pgmq'"
                + " AND (tablename LIKE 'q\\_%' OR tablename LIKE 'a\\_%')")) {
            try {
                found.addAll(strings("SELECT message->>'item' FROM pgmq." + table + " WHERE message->>'item' LIKE ?", prefix + "%"));
            } catch (SQLException e) {
                if (!"42P01".equals(e.getSQLState())) {
                    throw e;
                }
            }
        }
        return found;
    }

    private static String table(String kind, String queue) {
        if (!queue.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("not a queue name: " + queue);
        }
        return kind + queue;
    }

    private List<String> strings(String sql, String... args) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }
}
