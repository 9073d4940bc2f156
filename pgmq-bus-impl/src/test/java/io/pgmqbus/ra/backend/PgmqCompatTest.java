// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import static io.pgmqbus.ra.backend.BusDb.column;
import static io.pgmqbus.ra.backend.BusDb.count;
import static io.pgmqbus.ra.backend.BusDb.exec;
import static io.pgmqbus.ra.backend.BusDb.scalar;
import static io.pgmqbus.ra.backend.BusDb.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PGMQ API as the bus and any other PGMQ client use it, against a real PostgreSQL: the compat
 * install here, or the real extension when the test database has it. Only documented behaviour.
 */
class PgmqCompatTest {
    private Connection c;
    private String q;

    @BeforeEach
    void createQueue() throws SQLException {
        c = BusDb.connect();
        q = unique("compat");
        exec(c, "SELECT pgmq.create('" + q + "')");
    }

    @AfterEach
    void dropQueue() throws SQLException {
        exec(c, "SELECT pgmq.drop_queue('" + q + "')");
        c.close();
    }

    private List<String> columns(String table) throws SQLException {
        return column(c, "SELECT column_name FROM information_schema.columns WHERE table_schema = 'pgmq'"
                + " AND table_name = ? ORDER BY ordinal_position", table);
    }

    @Test
    void createsQueueAndArchiveTablesWithPgmqColumns() throws SQLException {
        List<String> queue = columns("q_" + q);
        assertTrue(queue.containsAll(List.of("msg_id", "read_ct", "enqueued_at", "vt", "message", "headers")), queue.toString());
        List<String> archive = columns("a_" + q);
        assertTrue(archive.containsAll(List.of("msg_id", "read_ct", "enqueued_at", "archived_at", "vt", "message", "headers")),
                archive.toString());
        assertEquals(List.of(q), column(c, "SELECT queue_name FROM pgmq.list_queues() WHERE queue_name = ?", q));
        assertEquals("1", scalar(c, "SELECT count(*) FROM pgmq.meta WHERE queue_name = ?", q));
        exec(c, "SELECT pgmq.create('" + q + "')");
        assertEquals("1", scalar(c, "SELECT count(*) FROM pgmq.meta WHERE queue_name = ?", q), "create is idempotent");
    }

    @Test
    void readHidesMessageUntilVisibilityTimeoutThenCountsReads() throws Exception {
        long id = Long.parseLong(scalar(c, "SELECT pgmq.send(?, '{\"n\":1}'::jsonb)", q));
        assertEquals(List.of(id + ":1"), column(c, "SELECT msg_id || ':' || read_ct FROM pgmq.read(?, 1, 10)", q));
        assertEquals(List.of(), column(c, "SELECT msg_id FROM pgmq.read(?, 1, 10)", q), "hidden while vt runs");
        List<String> again = BusDb.await(Duration.ofSeconds(5), "message visible again",
                () -> column(c, "SELECT msg_id || ':' || read_ct FROM pgmq.read(?, 30, 10)", q), r -> !r.isEmpty());
        assertEquals(List.of(id + ":2"), again, "read_ct counts every read");
    }

    @Test
    void archiveMovesToArchiveTableAndDeleteRemoves() throws SQLException {
        long a = Long.parseLong(scalar(c, "SELECT pgmq.send(?, '{\"n\":1}'::jsonb)", q));
        long b = Long.parseLong(scalar(c, "SELECT pgmq.send(?, '{\"n\":2}'::jsonb)", q));
        assertEquals("t", scalar(c, "SELECT pgmq.archive(?, ?::bigint)", q, a));
        assertEquals("f", scalar(c, "SELECT pgmq.archive(?, ?::bigint)", q, a), "archiving twice finds nothing");
        assertEquals(1, count(c, "SELECT count(*) FROM pgmq.a_" + q + " WHERE msg_id = ?", a));
        assertEquals("t", scalar(c, "SELECT pgmq.delete(?, ?::bigint)", q, b));
        assertEquals(0, count(c, "SELECT count(*) FROM pgmq.q_" + q));
        assertEquals(0, count(c, "SELECT count(*) FROM pgmq.a_" + q + " WHERE msg_id = ?", b));
    }

    @Test
    void arrayFormsOfArchiveAndDeleteReturnTheIdsTheyFound() throws SQLException {
        List<String> ids = column(c, "SELECT * FROM pgmq.send_batch(?, ARRAY['{\"n\":1}','{\"n\":2}','{\"n\":3}','{\"n\":4}']::jsonb[])", q);
        assertEquals(4, ids.size());
        String firstTwo = "{" + ids.get(0) + "," + ids.get(1) + ",999999}";
        String lastTwo = "{" + ids.get(2) + "," + ids.get(3) + "}";
        assertEquals(ids.subList(0, 2), column(c, "SELECT * FROM pgmq.archive(?, ?::bigint[]) ORDER BY 1", q, firstTwo));
        assertEquals(ids.subList(2, 4), column(c, "SELECT * FROM pgmq.delete(?, ?::bigint[]) ORDER BY 1", q, lastTwo));
        assertEquals(0, count(c, "SELECT count(*) FROM pgmq.q_" + q));
        assertEquals(2, count(c, "SELECT count(*) FROM pgmq.a_" + q));
    }

    @Test
    void delayAsSecondsOrTimestampKeepsMessageInvisible() throws SQLException {
        exec(c, "SELECT pgmq.send('" + q + "', '{\"d\":\"int\"}'::jsonb, 60)");
        exec(c, "SELECT pgmq.send('" + q + "', '{\"d\":\"ts\"}'::jsonb, now() + interval '1 hour')");
        exec(c, "SELECT pgmq.send('" + q + "', '{\"d\":\"hdr\"}'::jsonb, '{\"k\":1}'::jsonb, 60)");
        exec(c, "SELECT pgmq.send('" + q + "', '{\"d\":\"now\"}'::jsonb)");
        assertEquals(List.of("now"), column(c, "SELECT message->>'d' FROM pgmq.read(?, 30, 10)", q));
        assertEquals(4, count(c, "SELECT count(*) FROM pgmq.q_" + q));
        assertEquals(1, count(c, "SELECT count(*) FROM pgmq.q_" + q + " WHERE vt > now() + interval '50 minutes'"));
    }

    @Test
    void headersRoundTripInSingleAndBatchSends() throws SQLException {
        exec(c, "SELECT pgmq.send('" + q + "', '{\"n\":1}'::jsonb, '{\"type\":\"order\",\"x\":[1,2]}'::jsonb)");
        exec(c, "SELECT pgmq.send_batch('" + q + "', ARRAY['{\"n\":2}','{\"n\":3}']::jsonb[],"
                + " ARRAY['{\"h\":2}','{\"h\":3}']::jsonb[])");
        assertEquals(List.of("{\"x\": [1, 2], \"type\": \"order\"}", "{\"h\": 2}", "{\"h\": 3}"),
                column(c, "SELECT headers::text FROM pgmq.read(?, 30, 10) ORDER BY msg_id", q));
    }

    @Test
    void batchSendWithDelayAndConditionalRead() throws SQLException {
        exec(c, "SELECT pgmq.send_batch('" + q + "', ARRAY['{\"k\":\"a\"}','{\"k\":\"b\"}']::jsonb[], 0)");
        exec(c, "SELECT pgmq.send_batch('" + q + "', ARRAY['{\"k\":\"late\"}']::jsonb[], 3600)");
        assertEquals(List.of("b"), column(c, "SELECT message->>'k' FROM pgmq.read(?, 30, 10, '{\"k\":\"b\"}'::jsonb)", q));
        assertEquals(List.of("a"), column(c, "SELECT message->>'k' FROM pgmq.read(?, 30, 10)", q));
    }

    @Test
    void readReturnsAtMostQuantityInSendOrder() throws SQLException {
        for (int i = 0; i < 5; i++) {
            exec(c, "SELECT pgmq.send('" + q + "', '{\"i\":" + i + "}'::jsonb)");
        }
        assertEquals(List.of("0", "1", "2"), column(c, "SELECT message->>'i' FROM pgmq.read(?, 30, 3)", q));
        assertEquals(List.of("3", "4"), column(c, "SELECT message->>'i' FROM pgmq.read(?, 30, 3)", q));
    }

    @Test
    void popDeletesAndReturnsTheOldest() throws SQLException {
        exec(c, "SELECT pgmq.send('" + q + "', '{\"i\":1}'::jsonb)");
        exec(c, "SELECT pgmq.send('" + q + "', '{\"i\":2}'::jsonb)");
        assertEquals(List.of("1"), column(c, "SELECT message->>'i' FROM pgmq.pop(?)", q));
        assertEquals(1, count(c, "SELECT count(*) FROM pgmq.q_" + q));
    }

    @Test
    void setVtMakesReadMessageVisibleAgain() throws SQLException {
        long id = Long.parseLong(scalar(c, "SELECT pgmq.send(?, '{}'::jsonb)", q));
        assertEquals(1, column(c, "SELECT msg_id FROM pgmq.read(?, 300, 1)", q).size());
        assertEquals(List.of(String.valueOf(id)), column(c, "SELECT msg_id FROM pgmq.set_vt(?, ?::bigint, 0)", q, id));
        assertEquals(List.of(String.valueOf(id)), column(c, "SELECT msg_id FROM pgmq.read(?, 300, 1)", q));
    }

    @Test
    void purgeAndMetricsCountMessages() throws SQLException {
        exec(c, "SELECT pgmq.send_batch('" + q + "', ARRAY['{}','{}','{}']::jsonb[])");
        assertEquals("3|3", scalar(c, "SELECT queue_length || '|' || total_messages FROM pgmq.metrics(?)", q));
        assertTrue(column(c, "SELECT queue_name FROM pgmq.metrics_all()").contains(q));
        assertEquals("3", scalar(c, "SELECT pgmq.purge_queue(?)", q));
        assertEquals("0", scalar(c, "SELECT queue_length FROM pgmq.metrics(?)", q));
    }

    @Test
    void readWithPollReturnsAMessageSentWhileItWaits() throws Exception {
        Thread sender = new Thread(() -> {
            try (Connection other = BusDb.connect()) {
                exec(other, "SELECT pg_sleep(0.3); SELECT pgmq.send('" + q + "', '{\"late\":true}'::jsonb)");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        sender.start();
        long start = System.nanoTime();
        List<String> got = column(c, "SELECT message->>'late' FROM pgmq.read_with_poll(?, 30, 1, 5, 50)", q);
        sender.join(10_000);
        assertEquals(List.of("true"), got);
        assertTrue(System.nanoTime() - start < 4_500_000_000L, "returned when the message came, not at the poll limit");
        assertEquals(List.of(), column(c, "SELECT msg_id FROM pgmq.read_with_poll(?, 30, 1, 1, 50)", q));
    }

    @Test
    void dropQueueRemovesTablesAndMetadata() throws SQLException {
        String other = unique("dropme");
        exec(c, "SELECT pgmq.create('" + other + "')");
        assertEquals("t", scalar(c, "SELECT pgmq.drop_queue(?)", other));
        assertEquals(0, count(c, "SELECT count(*) FROM pgmq.meta WHERE queue_name = ?", other));
        assertEquals(0, count(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'pgmq' AND tablename IN (?, ?)",
                "q_" + other, "a_" + other));
    }

    @Test
    void queueNamesAreLowerCasedAndValidated() throws SQLException {
        String mixed = unique("MiXed").toUpperCase(java.util.Locale.ROOT);
        exec(c, "SELECT pgmq.create('" + mixed + "')");
        String lower = mixed.toLowerCase(java.util.Locale.ROOT);
        assertEquals(1, count(c, "SELECT count(*) FROM pg_tables WHERE schemaname = 'pgmq' AND tablename = ?", "q_" + lower));
        exec(c, "SELECT pgmq.drop_queue('" + lower + "')");
        // rejected by PGMQ itself too; the compat install is stricter still (only [a-z0-9_])
        for (String bad : List.of("x".repeat(48), "a'b", "a;drop table pgmq.meta", "a--b", "a$b")) {
            SQLException e = assertThrows(SQLException.class,
                    () -> column(c, "SELECT pgmq.create(?)", bad), "queue name accepted: " + bad);
            assertFalse(e.getMessage().isBlank());
        }
        assertTrue(count(c, "SELECT count(*) FROM pgmq.meta") > 0, "meta survived");
    }
}
