// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Reads and acknowledgements as plain statements on a queue's tables ({@code pgmq.q_<queue>},
 * {@code pgmq.a_<queue>}), for queues whose tables have PGMQ's documented layout: the same
 * semantics as {@code pgmq.read}, {@code pgmq.archive} and {@code pgmq.delete} (oldest first,
 * {@code FOR UPDATE SKIP LOCKED}, the visibility timeout, {@code read_ct}, {@code last_read_at}
 * where the table has it), but statements the driver prepares once per connection instead of
 * PL/pgSQL that plans its dynamic SQL on every call. A queue whose tables look otherwise is left to
 * PGMQ's functions.
 */
final class QueueTables {
    private static final Pattern QUEUE = Pattern.compile("^[a-z0-9_]{1,47}$");
    private static final Set<String> QUEUE_COLUMNS = Set.of("msg_id", "read_ct", "enqueued_at", "vt", "message", "headers");

    /** What a queue's tables have beyond the columns every PGMQ 1.5+ queue has. */
    record Layout(String queue, boolean lastReadAt, boolean archive, boolean archiveLastReadAt) {
        private String table() {
            return "pgmq.\"q_" + queue + "\"";
        }

        String read() {
            return "WITH picked AS (SELECT msg_id FROM " + table() + " WHERE vt <= clock_timestamp()"
                    + " ORDER BY msg_id LIMIT ? FOR UPDATE SKIP LOCKED),"
                    + " updated AS (UPDATE " + table() + " q SET vt = clock_timestamp() + ? * interval '1 second',"
                    + " read_ct = q.read_ct + 1" + (lastReadAt ? ", last_read_at = clock_timestamp()" : "")
                    + " FROM picked WHERE q.msg_id = picked.msg_id"
                    + " RETURNING q.msg_id, q.read_ct, q.enqueued_at, q.vt, q.message, q.headers)"
                    + " SELECT msg_id, read_ct, enqueued_at, vt, message::text AS message, headers::text AS headers"
                    + " FROM updated ORDER BY msg_id";
        }

        String delete() {
            return "DELETE FROM " + table() + " WHERE msg_id = ? RETURNING msg_id";
        }

        String archiveOne() {
            return archive("msg_id = ?");
        }

        /** Deletes every message of an array parameter of ids. */
        String deleteAll() {
            return "DELETE FROM " + table() + " WHERE msg_id = ANY (?) RETURNING msg_id";
        }

        /** Archives every message of an array parameter of ids. */
        String archiveAll() {
            return archive("msg_id = ANY (?)");
        }

        private String archive(String which) {
            String columns = "msg_id, read_ct, enqueued_at, vt, message, headers" + (archiveLastReadAt ? ", last_read_at" : "");
            return "WITH gone AS (DELETE FROM " + table() + " WHERE " + which + " RETURNING " + columns + ")"
                    + " INSERT INTO pgmq.\"a_" + queue + "\" (" + columns + ") SELECT " + columns + " FROM gone RETURNING msg_id";
        }
    }

    private final Map<String, Optional<Layout>> layouts = new ConcurrentHashMap<>();

    /** The layout of a queue's tables, looked up once; empty when PGMQ's functions must serve it. */
    Optional<Layout> layout(Connection c, String queue) {
        if (!QUEUE.matcher(queue).matches()) {
            return Optional.empty();
        }
        Optional<Layout> known = layouts.get(queue);
        if (known != null) {
            return known;
        }
        Optional<Layout> found;
        try {
            Set<String> q = columns(c, "q_" + queue);
            Set<String> a = columns(c, "a_" + queue);
            found = q.containsAll(QUEUE_COLUMNS)
                    ? Optional.of(new Layout(queue, q.contains("last_read_at"),
                            a.containsAll(QUEUE_COLUMNS) && a.contains("archived_at"),
                            a.contains("last_read_at") && q.contains("last_read_at")))
                    : Optional.empty();
        } catch (SQLException e) {
            return Optional.empty(); // asked again next time
        }
        if (found.isPresent() || layouts.size() < 10_000) {
            layouts.put(queue, found);
        }
        return found;
    }

    /** Forgets a queue's layout (its tables failed a statement: dropped, or changed). */
    void forget(String queue) {
        layouts.remove(queue);
    }

    private static Set<String> columns(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_catalog.pg_attribute a"
                + " WHERE a.attrelid = to_regclass('pgmq.' || quote_ident(?)) AND a.attnum > 0 AND NOT a.attisdropped")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                Set<String> names = new HashSet<>();
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
                return names;
            }
        }
    }
}
