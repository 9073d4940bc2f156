// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import static io.pgmqbus.ra.backend.BusDb.count;
import static io.pgmqbus.ra.backend.BusDb.exec;
import static io.pgmqbus.ra.backend.BusDb.scalar;
import static io.pgmqbus.ra.backend.BusDb.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusException;
import io.pgmqbus.api.DeadLetter;
import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The direct role's dead-letter tools of sql/004_operations.sql, through {@link DeadLetters}. */
class DeadLettersTest {
    private final PgmqBackend bus = new DirectBackend(AckMode.ARCHIVE);
    private final DeadLetters deadLetters = new DeadLetters(false);
    private Connection c;

    @BeforeEach
    void connect() throws SQLException {
        c = BusDb.connect();
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    /** Publishes {@code message} to the channel, reads it from {@code s} and dead-letters it; returns its id in the DLQ. */
    private long deadLetter(Subscription s, String message, String error) {
        bus.publish(c, s.channel(), message, "{\"type\": \"order\"}", 0);
        QueuedMessage m = bus.read(c, s, 30, 1).get(0);
        Long id = bus.deadLetter(c, s, m.msgId(), error);
        assertNotNull(id);
        return id;
    }

    private long inDlq(String dlq, long id) throws SQLException {
        return count(c, "SELECT count(*) FROM pgmq.q_" + dlq + " WHERE msg_id = ?", id);
    }

    @Test
    void listsADeadLetterWithItsErrorAndOrigin() {
        String channel = unique("dl_list");
        Subscription s = bus.join(c, channel, "billing", "test", 60);
        long id = deadLetter(s, "{\"poison\": 1}", "IllegalStateException: boom");

        List<DeadLetter> found = deadLetters.list(c, channel, null);
        assertEquals(1, found.size(), found.toString());
        DeadLetter d = found.get(0);
        assertEquals(QueueNames.deadLetterQueue(channel), d.deadLetterQueue());
        assertEquals(id, d.id());
        assertEquals(s.queueName(), d.queue());
        assertEquals(channel, d.channel());
        assertEquals("billing", d.subscription());
        assertEquals("IllegalStateException: boom", d.error());
        assertEquals(1, d.deliveries(), "read once before it was dead-lettered");
        assertNotNull(d.enqueuedAt());
        assertTrue(!d.deadLetteredAt().isBefore(d.enqueuedAt()), d.toString());
        assertEquals("{\"poison\": 1}", d.payload());
        assertTrue(d.headers().contains("\"x-dead-letter\"") && d.headers().contains("\"type\": \"order\""), d.headers());

        assertEquals(List.of(), deadLetters.list(c, channel, "another"), "filtered by subscription name");
        assertEquals(List.of(), deadLetters.list(c, channel + "_x", null), "filtered by channel");
    }

    @Test
    void replayPutsTheMessageBackAsANewOneAndCountsReplays() throws SQLException {
        String channel = unique("dl_replay");
        Subscription s = bus.join(c, channel, "billing", "test", 60);
        String dlq = QueueNames.deadLetterQueue(channel);
        long id = deadLetter(s, "{\"n\": 7}", "first failure");

        assertTrue(deadLetters.replay(c, dlq, id));
        assertEquals(0, inDlq(dlq, id), "gone from the dead-letter queue");
        assertEquals(List.of(), deadLetters.list(c, channel, null));
        assertFalse(deadLetters.replay(c, dlq, id), "replayed once only");
        QueuedMessage back = bus.read(c, s, 30, 10).get(0);
        assertEquals(1, back.readCount(), "read count starts afresh");
        assertEquals("{\"n\": 7}", back.message());
        assertEquals("t|1|first failure|" + dlq + "|order|t", scalar(c, "SELECT concat_ws('|', h -> 'x-dead-letter' IS NULL,"
                + " h->'x-replayed'->>'count', h->'x-replayed'->>'error', h->'x-replayed'->>'from_dlq', h->>'type',"
                + " (h->'x-replayed'->>'at')::timestamptz <= now()) FROM (SELECT ?::jsonb AS h) x", back.headers()));

        long again = bus.deadLetter(c, s, back.msgId(), "second failure");
        assertTrue(deadLetters.replay(c, dlq, again));
        QueuedMessage twice = bus.read(c, s, 30, 10).get(0);
        assertEquals("2|second failure", scalar(c, "SELECT concat_ws('|', h->'x-replayed'->>'count',"
                + " h->'x-replayed'->>'error') FROM (SELECT ?::jsonb AS h) x", twice.headers()));
    }

    @Test
    void replayByFilterTouchesOnlyTheMatchingOnes() throws SQLException {
        String channel = unique("dl_filter");
        Subscription a = bus.join(c, channel, "a", "test", 60);
        Subscription b = bus.join(c, channel, "b", "test", 60);
        Subscription elsewhere = bus.join(c, channel + "_other", "a", "test", 60);
        // every publish reaches a and b: each takes the copy it wants and acknowledges the other
        deadLetter(a, "{\"m\": 1}", "timeout: a1");
        bus.acknowledge(c, b, bus.read(c, b, 30, 1).get(0).msgId());
        deadLetter(a, "{\"m\": 2}", "parse error");
        bus.acknowledge(c, b, bus.read(c, b, 30, 1).get(0).msgId());
        deadLetter(b, "{\"m\": 3}", "timeout: b1");
        bus.acknowledge(c, a, bus.read(c, a, 30, 1).get(0).msgId());
        deadLetter(elsewhere, "{\"m\": 4}", "timeout: other");

        assertEquals(1, deadLetters.replayAll(c, channel, "a", "timeout%"));
        assertEquals(List.of("{\"m\": 1}"), bus.read(c, a, 30, 10).stream().map(QueuedMessage::message).toList());
        assertEquals(List.of(), bus.read(c, b, 30, 10));
        assertEquals(List.of("parse error", "timeout: b1"),
                deadLetters.list(c, channel, null).stream().map(DeadLetter::error).sorted().toList());

        assertEquals(2, deadLetters.replayAll(c, channel, null, null), "the rest of the channel");
        assertEquals(List.of(), deadLetters.list(c, channel, null));
        assertEquals(List.of("{\"m\": 2}"), bus.read(c, a, 30, 10).stream().map(QueuedMessage::message).toList());
        assertEquals(List.of("{\"m\": 3}"), bus.read(c, b, 30, 10).stream().map(QueuedMessage::message).toList());
        assertEquals(1, deadLetters.list(c, channel + "_other", null).size(), "another channel's is untouched");
    }

    @Test
    void aDeadLetterWhoseQueueIsGoneStays() throws SQLException {
        String channel = unique("dl_gone");
        Subscription s = bus.join(c, channel, null, "test", 60);
        String error = unique("gone");
        long id = deadLetter(s, "{}", error);
        bus.leave(c, s);
        String dlq = QueueNames.deadLetterQueue(channel);

        assertFalse(deadLetters.replay(c, dlq, id));
        assertEquals(0, deadLetters.replayAll(c, null, null, error));
        assertEquals(1, inDlq(dlq, id), "still waiting");
        List<DeadLetter> left = deadLetters.list(c, null, null).stream().filter(d -> d.queue().equals(s.queueName())).toList();
        assertEquals(1, left.size());
        assertEquals(null, left.get(0).channel(), "the subscription is gone, and the direct backend records no channel");
        assertEquals(error, left.get(0).error());
    }

    @Test
    void purgesOneOrThoseOlderThanAnAge() throws SQLException {
        String channel = unique("dl_purge");
        Subscription s = bus.join(c, channel, "billing", "test", 60);
        String dlq = QueueNames.deadLetterQueue(channel);
        long first = deadLetter(s, "{\"m\": 1}", "x");
        long old = deadLetter(s, "{\"m\": 2}", "x");
        long recent = deadLetter(s, "{\"m\": 3}", "x");
        exec(c, "UPDATE pgmq.q_" + dlq + " SET enqueued_at = now() - interval '2 hours' WHERE msg_id = " + old);

        assertTrue(deadLetters.purge(c, dlq, first));
        assertFalse(deadLetters.purge(c, dlq, first), "already gone");
        assertEquals(0, deadLetters.purgeOlderThan(c, Duration.ofHours(1), channel + "_x", null), "another channel");
        assertEquals(0, deadLetters.purgeOlderThan(c, Duration.ofHours(1), channel, "another"), "another subscription");
        assertEquals(1, deadLetters.purgeOlderThan(c, Duration.ofHours(1), channel, "billing"));
        assertEquals(List.of(recent), deadLetters.list(c, channel, null).stream().map(DeadLetter::id).toList());
        assertEquals(1, deadLetters.purgeOlderThan(c, Duration.ZERO, channel, null));
        assertEquals(0, count(c, "SELECT count(*) FROM pgmq.q_" + dlq));
        assertEquals(List.of(), bus.read(c, s, 30, 10), "purged, not replayed");
    }

    @Test
    void badInputIsRefusedOrTakenAsDataNeverRun() throws SQLException {
        String channel = unique("dl_bad");
        Subscription s = bus.join(c, channel, "billing", "test", 60);
        long id = deadLetter(s, "{}", "x");
        String hostile = "x'; DROP TABLE pgmq_bus.subscription; --";

        BusException e = assertThrows(BusException.class, () -> deadLetters.replay(c, hostile, 1));
        assertEquals("22023", e.getSqlState(), e.getMessage());
        assertThrows(BusException.class, () -> deadLetters.purge(c, "a;b", 1));
        assertEquals(List.of(), deadLetters.list(c, hostile, hostile));
        assertEquals(0, deadLetters.replayAll(c, channel, null, "%'; DELETE FROM pgmq_bus.subscription; --"));
        e = assertThrows(BusException.class, () -> deadLetters.purgeOlderThan(c, Duration.ofSeconds(-1), channel, null));
        assertTrue(e.getMessage().contains("not negative"), e.getMessage());
        assertEquals("22023", sqlState("SELECT pgmq_bus.purge_dead_letters(NULL)"));
        assertEquals("22023", sqlState("SELECT pgmq_bus.replay_dead_letter('" + QueueNames.deadLetterQueue(channel) + "', NULL)"));
        assertFalse(deadLetters.replay(c, s.queueName(), id), "a subscription's own queue is no dead-letter queue");
        assertEquals(1, deadLetters.list(c, channel, null).size(), "nothing was touched");
        assertTrue(count(c, "SELECT count(*) FROM pgmq_bus.subscription") > 0);
    }

    private String sqlState(String sql) {
        try {
            exec(c, sql);
            return "ok";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    @Test
    void twoReplaysOfOneDeadLetterSendItOnce() throws Exception {
        String channel = unique("dl_race");
        Subscription s = bus.join(c, channel, "billing", "test", 60);
        String dlq = QueueNames.deadLetterQueue(channel);
        long id = deadLetter(s, "{}", "x");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Connection first = BusDb.connect(); Connection second = BusDb.connect(); Connection watcher = BusDb.connect()) {
            first.setAutoCommit(false);
            assertTrue(deadLetters.replay(first, dlq, id));
            assertEquals(0, deadLetters.replayAll(second, channel, null, null), "a locked dead letter is skipped, not waited for");
            int secondPid = second.unwrap(org.postgresql.PGConnection.class).getBackendPID();
            Future<Boolean> racing = pool.submit(() -> deadLetters.replay(second, dlq, id));
            BusDb.await(Duration.ofSeconds(10), "the second replay waiting on a lock",
                    () -> count(watcher, "SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND wait_event_type = 'Lock'",
                            secondPid), n -> n == 1);
            assertFalse(racing.isDone(), "the single replay waits for the first one's transaction");
            first.commit();
            assertFalse(racing.get(10, TimeUnit.SECONDS), "found it replayed already");
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, bus.read(c, s, 30, 10).size(), "exactly one copy is back");
        assertEquals(0, inDlq(dlq, id));
    }

    /** On a database of its own, where "every dead letter" is known: the operator's replay of all, tenants' included. */
    @Test
    void replayWithoutAFilterReplaysEveryDeadLetterOfEveryone() throws SQLException {
        String database = BusDb.freshDatabase();
        try {
            try (Connection own = TestDatabase.get().connect(database);
                 Connection tenant = BusDb.connectAsTenant("bus_tenant_dl_a", database, null)) {
                new SchemaInstaller().install(own);
                Subscription x = bus.join(own, "x", "s", "test", 60);
                Subscription y = bus.join(own, "y", null, "test", 60);
                for (Subscription s : List.of(x, y)) {
                    bus.publish(own, s.channel(), "{}", null, 0);
                    bus.deadLetter(own, s, bus.read(own, s, 30, 1).get(0).msgId(), "x");
                }
                PgmqBackend isolated = new IsolatedBackend(AckMode.ARCHIVE);
                Subscription z = isolated.join(tenant, "z", null, "test", 60);
                isolated.publish(tenant, "z", "{}", null, 0);
                isolated.deadLetter(tenant, z, isolated.read(tenant, z, 30, 1).get(0).msgId(), "z");
                assertEquals(3, deadLetters.list(own, null, null).size());

                assertEquals(3, deadLetters.replayAll(own, null, null, null));
                assertEquals(List.of(), deadLetters.list(own, null, null));
                assertEquals(1, bus.read(own, x, 30, 10).size());
                assertEquals(1, bus.read(own, y, 30, 10).size());
                assertEquals(1, isolated.read(tenant, z, 30, 10).size());
            }
        } finally {
            try (Connection admin = TestDatabase.get().connect()) {
                exec(admin, "DROP DATABASE " + database + " WITH (FORCE)");
            }
        }
    }
}
