// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import static io.pgmqbus.ra.backend.BusDb.column;
import static io.pgmqbus.ra.backend.BusDb.count;
import static io.pgmqbus.ra.backend.BusDb.exec;
import static io.pgmqbus.ra.backend.BusDb.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusException;
import io.pgmqbus.ra.fake.Notified;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The isolated backend, connected as a tenant role that may only execute the wrappers. */
class IsolatedBackendTest {
    private final PgmqBackend bus = new IsolatedBackend(AckMode.ARCHIVE);
    private Connection tenant;
    private Connection owner;

    @BeforeEach
    void connect() throws SQLException {
        owner = BusDb.connect();
        tenant = BusDb.connectAsTenant();
    }

    @AfterEach
    void close() throws SQLException {
        tenant.close();
        owner.close();
    }

    private Subscription join(String channel) {
        return bus.join(tenant, channel, null, "ignored", 60);
    }

    @Test
    void joinReturnsAnOpaqueServerAllocatedQueue() {
        String channel = unique("secret_orders");
        Subscription a = join(channel);
        Subscription b = join(channel);
        assertTrue(a.queueName().matches("^bus_[0-9a-f]{32}$"), a.queueName());
        assertFalse(a.queueName().contains("secret"));
        assertNotEquals(a.queueName(), b.queueName());
    }

    @Test
    void publishReachesEveryMemberOfTheChannelOnly() {
        String channel = unique("iso");
        Subscription a = join(channel);
        Subscription b = join(channel);
        Subscription elsewhere = join(channel + "_other");
        List<Long> ids = bus.publish(tenant, channel, "{\"n\": 1}", "{\"type\": \"t\"}", 0);
        assertEquals(2, ids.size());
        for (Subscription s : List.of(a, b)) {
            List<QueuedMessage> got = bus.read(tenant, s, 30, 10);
            assertEquals(1, got.size());
            assertEquals("{\"n\": 1}", got.get(0).message());
            assertEquals("{\"type\": \"t\"}", got.get(0).headers());
            assertTrue(bus.acknowledge(tenant, s, got.get(0).msgId()));
        }
        assertEquals(List.of(), bus.read(tenant, elsewhere, 30, 10));
    }

    @Test
    void theContractFunctionsWorkForOtherClients() throws SQLException {
        String channel = unique("contract");
        String me = BusDb.scalar(tenant, "SELECT bus_join(?)", channel);
        String peer = BusDb.scalar(tenant, "SELECT bus_join(?)", channel);
        List<String> ids = column(tenant, "SELECT unnest(bus_publish(?, ?, '{\"hi\": 1}'::jsonb))", channel, me);
        assertEquals(1, ids.size(), "the sender's own queue is left out");
        List<String> got = column(tenant, "SELECT msg_id || '|' || message::text FROM bus_subscribe(?, ?, 30, 10, 0)", peer, channel);
        assertEquals(List.of(ids.get(0) + "|{\"hi\": 1}"), got);
        assertEquals("t", BusDb.scalar(tenant, "SELECT bus_archive(?, ?, ?::bigint)", peer, channel, Long.parseLong(ids.get(0))));
        exec(tenant, "SELECT bus_leave('" + peer + "', '" + channel.replace("'", "''") + "')");
        assertEquals(0, count(owner, "SELECT count(*) FROM pgmq.list_queues() WHERE queue_name = ?", peer));
    }

    @Test
    void aBatchReachesEveryMemberInOrder() {
        String channel = unique("isobatch");
        Subscription a = join(channel);
        Subscription b = join(channel);
        assertEquals(4, bus.publishBatch(tenant, channel, List.of("{\"i\": 1}", "{\"i\": 2}"), null).size());
        for (Subscription s : List.of(a, b)) {
            assertEquals(List.of("{\"i\": 1}", "{\"i\": 2}"),
                    bus.read(tenant, s, 30, 10).stream().map(QueuedMessage::message).toList());
        }
        HostileBatch.assertRejectsInvalidJson(bus, tenant, channel, a);
    }

    @Test
    void aQueueCannotBeUsedWithAnotherChannel() {
        Subscription mine = join(unique("mine"));
        Subscription wrong = new Subscription(mine.queueName(), unique("theirs"), null);
        for (Runnable call : List.<Runnable>of(
                () -> bus.read(tenant, wrong, 30, 10),
                () -> bus.acknowledge(tenant, wrong, 1),
                () -> bus.release(tenant, wrong, 1, 0),
                () -> bus.leave(tenant, wrong))) {
            BusException e = assertThrows(BusException.class, call::run);
            assertEquals("42501", e.getSqlState(), e.getMessage());
        }
        assertThrows(SQLException.class,
                () -> column(tenant, "SELECT msg_id FROM bus_subscribe(?, ?, 30, 10, 0)", mine.queueName(), wrong.channel()));
        assertThrows(SQLException.class,
                () -> column(tenant, "SELECT bus_archive(?, ?, 1)", mine.queueName(), wrong.channel()));
    }

    @Test
    void theTenantRoleCannotTouchPgmqOrTheRegistry() throws SQLException {
        Subscription s = join(unique("locked"));
        for (String sql : List.of(
                "SELECT * FROM pgmq.q_" + s.queueName(),
                "SELECT * FROM pgmq.a_" + s.queueName(),
                "SELECT pgmq.send('" + s.queueName() + "', '{}'::jsonb)",
                "SELECT * FROM pgmq.list_queues()",
                "SELECT * FROM pgmq.meta",
                "SELECT * FROM pgmq_bus.subscription",
                "SELECT pgmq_bus.publish('x', '{}'::jsonb)",
                "DELETE FROM pgmq.q_" + s.queueName())) {
            SQLException e = assertThrows(SQLException.class, () -> exec(tenant, sql), sql);
            assertEquals("42501", e.getSQLState(), sql + ": " + e.getMessage());
        }
    }

    @Test
    void durableMembersShareOneQueue() {
        String channel = unique("isodurable");
        Subscription a = bus.join(tenant, channel, "billing", "n1", 60);
        Subscription b = bus.join(tenant, channel, "billing", "n2", 60);
        assertEquals(a.queueName(), b.queueName());
        bus.publish(tenant, channel, "{\"n\": 1}", null, 0);
        bus.leave(tenant, a);
        assertEquals(1, bus.read(tenant, b, 30, 10).size(), "a durable queue outlives leave");
    }

    @Test
    void sendReachesOnlyTheNamedDurableSubscription() {
        String channel = unique("isosend");
        Subscription jobs = bus.join(tenant, channel, "jobs", "n", 60);
        Subscription other = join(channel);
        long id = bus.sendToSubscription(tenant, channel, "jobs", "{\"job\": 1}", null);
        assertEquals(List.of(id), bus.read(tenant, jobs, 30, 10).stream().map(QueuedMessage::msgId).toList());
        assertEquals(List.of(), bus.read(tenant, other, 30, 10));
        BusException e = assertThrows(BusException.class, () -> bus.sendToSubscription(tenant, channel, "nobody", "{}", null));
        assertTrue(e.getMessage().contains("no durable subscription 'nobody'"), e.getMessage());
    }

    @Test
    void wakeNotifiesEveryQueueOfTheChannelAfterAPublishWithWakeUpsOff() throws Exception {
        String channel = unique("isowake");
        Subscription a = join(channel);
        Subscription b = bus.join(tenant, channel, "durable", "n", 60);
        try (Connection listener = BusDb.connect()) {
            exec(listener, "LISTEN pgmq_bus");
            bus.sessionNotifications(tenant, false);
            tenant.setAutoCommit(false);
            bus.publish(tenant, channel, "{}", null, 0);
            tenant.commit();
            tenant.setAutoCommit(true);
            assertEquals(List.of(), Notified.queues(listener, 300), "a suppressed publish notifies nobody");
            bus.wake(tenant, channel);
            bus.sessionNotifications(tenant, true);
            java.util.Set<String> woken = new java.util.HashSet<>();
            BusDb.await(java.time.Duration.ofSeconds(5), "both wake-ups", () -> {
                woken.addAll(Notified.queues(listener, 100));
                return woken.size();
            }, n -> n >= 2);
            assertEquals(java.util.Set.of(a.wakeKey(), b.wakeKey()), woken, "each queue's opaque wake token");
            assertTrue(java.util.Collections.disjoint(woken, java.util.Set.of(a.queueName(), b.queueName())),
                    "no queue name is notified");
        }
    }

    @Test
    void deadLetterAndHeartbeatWorkThroughTheWrappers() throws SQLException {
        String channel = unique("isodlq");
        Subscription s = join(channel);
        bus.publish(tenant, channel, "{\"poison\": 1}", null, 0);
        QueuedMessage m = bus.read(tenant, s, 30, 1).get(0);
        assertTrue(bus.deadLetter(tenant, s, m.msgId(), "boom") != null);
        assertEquals(List.of(), bus.read(tenant, s, 0, 10));
        exec(owner, "UPDATE pgmq_bus.subscription SET last_seen = now() - interval '1 hour' WHERE queue_name = '"
                + s.queueName() + "'");
        bus.heartbeat(tenant, List.of(s));
        assertEquals(1, count(owner, "SELECT count(*) FROM pgmq_bus.subscription WHERE queue_name = ?"
                + " AND last_seen > now() - interval '1 minute'", s.queueName()));
    }
}
