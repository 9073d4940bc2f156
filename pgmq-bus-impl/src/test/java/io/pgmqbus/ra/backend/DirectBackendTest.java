// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import static io.pgmqbus.ra.backend.BusDb.count;
import static io.pgmqbus.ra.backend.BusDb.exec;
import static io.pgmqbus.ra.backend.BusDb.scalar;
import static io.pgmqbus.ra.backend.BusDb.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DirectBackendTest {
    private final PgmqBackend bus = new DirectBackend(AckMode.ARCHIVE);
    private Connection c;

    @BeforeEach
    void connect() throws SQLException {
        c = BusDb.connect();
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    private Subscription join(String channel) {
        return bus.join(c, channel, null, "test-node", 60);
    }

    private List<String> payloads(Subscription s) {
        List<String> out = new ArrayList<>();
        for (QueuedMessage m : bus.read(c, s, 30, 100)) {
            out.add(m.message());
        }
        return out;
    }

    @Test
    void everySubscriberGetsExactlyOneCopy() {
        String channel = unique("fan");
        List<Subscription> subs = List.of(join(channel), join(channel), join(channel));
        List<Long> ids = bus.publish(c, channel, "{\"order\": 1}", "{\"type\": \"order\"}", 0);
        assertEquals(3, ids.size());
        for (Subscription s : subs) {
            List<QueuedMessage> got = bus.read(c, s, 30, 100);
            assertEquals(1, got.size(), s.queueName());
            assertEquals("{\"order\": 1}", got.get(0).message());
            assertEquals("{\"type\": \"order\"}", got.get(0).headers());
            assertEquals(1, got.get(0).readCount());
            assertNotNull(got.get(0).enqueuedAt());
        }
    }

    @Test
    void aDelayedPublishBecomesVisibleToEverySubscriberOnlyAfterTheDelay() throws SQLException {
        String channel = unique("delay");
        List<Subscription> subs = List.of(join(channel), join(channel));
        assertEquals(2, bus.publish(c, channel, "{\"later\": 1}", null, 30).size());
        for (Subscription s : subs) {
            assertEquals(List.of(), bus.read(c, s, 30, 10), "hidden for the delay");
            try (java.sql.Statement st = c.createStatement(); java.sql.ResultSet rs = st.executeQuery(
                    "SELECT extract(epoch FROM vt - clock_timestamp()) FROM pgmq.q_" + s.queueName())) {
                assertTrue(rs.next());
                double seconds = rs.getDouble(1);
                assertTrue(seconds > 25 && seconds <= 30, "visible in about 30 s, was " + seconds);
            }
        }
    }

    @Test
    void aBatchReachesEverySubscriberInOrder() {
        String channel = unique("batch");
        Subscription a = join(channel);
        Subscription b = join(channel);
        List<Long> ids = bus.publishBatch(c, channel, List.of("{\"i\": 1}", "{\"i\": 2}", "{\"i\": 3}"), "{\"type\": \"t\"}");
        assertEquals(6, ids.size());
        for (Subscription s : List.of(a, b)) {
            assertEquals(List.of("{\"i\": 1}", "{\"i\": 2}", "{\"i\": 3}"), payloads(s));
        }
        HostileBatch.assertRejectsInvalidJson(bus, c, channel, a);
    }

    @Test
    void queueNamesFollowThePythonBusAndArePgmqSafe() {
        String channel = unique("Names") + ".with dots";
        Subscription s = join(channel);
        assertTrue(s.queueName().matches("^names_[0-9a-f]{8}_with_dots_[0-9a-f]{12}$"), s.queueName());
        assertEquals("q_1st", QueueNames.prefix("1st"));
        assertEquals(30, QueueNames.prefix("x".repeat(200)).length());
    }

    @Test
    void channelThatSharesAPrefixGetsNothing() {
        String channel = unique("orders");
        Subscription orders = join(channel);
        Subscription ordersEu = join(channel + "_eu");
        bus.publish(c, channel, "{\"for\": \"orders\"}", null, 0);
        assertEquals(List.of("{\"for\": \"orders\"}"), payloads(orders));
        assertEquals(List.of(), payloads(ordersEu));
        bus.publish(c, channel + "_eu", "{\"for\": \"eu\"}", null, 0);
        assertEquals(List.of(), payloads(orders));
        assertEquals(List.of("{\"for\": \"eu\"}"), payloads(ordersEu));
    }

    @Test
    void leaveDropsAnEphemeralQueue() throws SQLException {
        Subscription s = join(unique("leave"));
        assertEquals(1, count(c, "SELECT count(*) FROM pgmq.list_queues() WHERE queue_name = ?", s.queueName()));
        bus.leave(c, s);
        assertEquals(0, count(c, "SELECT count(*) FROM pgmq.list_queues() WHERE queue_name = ?", s.queueName()));
        assertEquals(0, count(c, "SELECT count(*) FROM pgmq_bus.subscription WHERE queue_name = ?", s.queueName()));
    }

    @Test
    void publishStillReachesOthersWhenAPeerQueueVanished() throws SQLException {
        String channel = unique("vanish");
        Subscription a = join(channel);
        Subscription gone = join(channel);
        Subscription b = join(channel);
        bus.publish(c, channel, "{\"n\": 1}", null, 0);
        exec(c, "SELECT pgmq.drop_queue('" + gone.queueName() + "')");
        List<Long> ids = bus.publish(c, channel, "{\"n\": 2}", null, 0);
        assertEquals(2, ids.size());
        assertEquals(List.of("{\"n\": 1}", "{\"n\": 2}"), payloads(a));
        assertEquals(List.of("{\"n\": 1}", "{\"n\": 2}"), payloads(b));
    }

    @Test
    void peersOutsideTheRegistryWithThePythonNamingAreReached() throws SQLException {
        String channel = unique("python");
        String foreign = QueueNames.prefix(channel) + "_0123456789ab";
        exec(c, "SELECT pgmq.create('" + foreign + "')");
        try {
            Subscription mine = join(channel);
            assertEquals(2, bus.publish(c, channel, "{\"from\": \"java\"}", null, 0).size());
            assertEquals(List.of("{\"from\": \"java\"}"), payloads(mine));
            assertEquals(1, count(c, "SELECT count(*) FROM pgmq.q_" + foreign));
        } finally {
            exec(c, "SELECT pgmq.drop_queue('" + foreign + "')");
        }
    }

    @Test
    void aPublishWhoseSnapshotPredatesALeaveSkipsTheDroppedQueue() throws SQLException {
        String channel = unique("snapshot");
        Subscription stays = join(channel);
        Subscription goes = join(channel);
        try (Connection publisher = BusDb.connect()) {
            publisher.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            publisher.setAutoCommit(false);
            scalar(publisher, "SELECT count(*) FROM pgmq.meta"); // the transaction's snapshot: both queues
            bus.leave(c, goes); // committed before the publish takes its lock
            List<Long> ids = bus.publish(publisher, channel, "{\"n\": 1}", null, 0);
            publisher.commit();
            assertEquals(1, ids.size(), "one copy: the dropped queue is skipped, not an error");
        }
        assertEquals(List.of("{\"n\": 1}"), payloads(stays));
    }

    @Test
    void durableSubscribersShareOneQueueThatOutlivesLeave() throws SQLException {
        String channel = unique("durable");
        Subscription first = bus.join(c, channel, "billing", "node-a", 60);
        Subscription second = bus.join(c, channel, "billing", "node-b", 60);
        assertEquals(first.queueName(), second.queueName());
        assertTrue(first.durable());
        bus.publish(c, channel, "{\"n\": 1}", null, 0);
        bus.leave(c, first);
        bus.publish(c, channel, "{\"n\": 2}", null, 0);
        Subscription again = bus.join(c, channel, "billing", "node-a", 60);
        assertEquals(List.of("{\"n\": 1}", "{\"n\": 2}"), payloads(again), "kept while nobody was joined");
        Subscription other = bus.join(c, channel, "audit", "node-a", 60);
        assertFalse(other.queueName().equals(first.queueName()));
    }

    @Test
    void acknowledgeArchivesOrDeletesByMode() throws SQLException {
        String channel = unique("ack");
        Subscription s = join(channel);
        bus.publish(c, channel, "{\"n\": 1}", null, 0);
        bus.publish(c, channel, "{\"n\": 2}", null, 0);
        List<QueuedMessage> got = bus.read(c, s, 30, 10);
        assertTrue(bus.acknowledge(c, s, got.get(0).msgId()));
        assertTrue(new DirectBackend(AckMode.DELETE).acknowledge(c, s, got.get(1).msgId()));
        assertFalse(bus.acknowledge(c, s, got.get(1).msgId()), "already gone");
        assertEquals(0, count(c, "SELECT count(*) FROM pgmq.q_" + s.queueName()));
        assertEquals("1", scalar(c, "SELECT string_agg(message->>'n', ',') FROM pgmq.a_" + s.queueName()));
    }

    @Test
    void releasedMessageComesBackWithAHigherReadCount() {
        String channel = unique("release");
        Subscription s = join(channel);
        bus.publish(c, channel, "{\"n\": 1}", null, 0);
        QueuedMessage first = bus.read(c, s, 300, 1).get(0);
        assertTrue(bus.release(c, s, first.msgId(), 0));
        QueuedMessage second = bus.read(c, s, 300, 1).get(0);
        assertEquals(first.msgId(), second.msgId());
        assertEquals(2, second.readCount());
        assertTrue(bus.release(c, s, first.msgId(), 3600));
        assertEquals(List.of(), bus.read(c, s, 300, 1), "hidden for the back-off");
    }

    @Test
    void deadLetterMovesTheMessageAndRecordsTheError() throws SQLException {
        String channel = unique("dlq");
        Subscription s = join(channel);
        bus.publish(c, channel, "{\"poison\": true}", "{\"type\": \"order\"}", 0);
        QueuedMessage m = bus.read(c, s, 30, 1).get(0);
        Long dead = bus.deadLetter(c, s, m.msgId(), "IllegalStateException: boom");
        assertNotNull(dead);
        assertEquals(List.of(), bus.read(c, s, 0, 10));
        String dlq = QueueNames.deadLetterQueue(channel);
        assertEquals("IllegalStateException: boom|order|" + s.queueName(),
                scalar(c, "SELECT (headers->'x-dead-letter'->>'error') || '|' || (headers->>'type') || '|'"
                        + " || (headers->'x-dead-letter'->>'queue') FROM pgmq.q_" + dlq + " WHERE msg_id = ?", dead));
        assertNull(bus.deadLetter(c, s, m.msgId(), "again"), "nothing left to move");
        bus.publish(c, channel, "{\"n\": 2}", null, 0);
        assertEquals(0, count(c, "SELECT count(*) FROM pgmq.q_" + dlq + " WHERE message->>'n' IS NOT NULL"),
                "publishing never reaches the dead-letter queue");
    }

    @Test
    void publishInARolledBackTransactionLeavesNothing() throws SQLException {
        String channel = unique("tx");
        Subscription s = join(channel);
        c.setAutoCommit(false);
        assertEquals(1, bus.publish(c, channel, "{\"n\": 1}", null, 0).size());
        c.rollback();
        c.setAutoCommit(true);
        assertEquals(List.of(), payloads(s));
    }
}
