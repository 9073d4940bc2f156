// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import static io.pgmqbus.ra.backend.BusDb.column;
import static io.pgmqbus.ra.backend.BusDb.count;
import static io.pgmqbus.ra.backend.BusDb.exec;
import static io.pgmqbus.ra.backend.BusDb.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.ra.fake.Notified;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The bus schema's registry, fan-out, wake-ups and reaping, called as the adapter calls them. */
class BusSchemaTest {
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

    /**
     * Not seen for an hour, with a lease of one second: stale, once the database itself has been up
     * for longer than that second (a subscription is never staler than the database's start).
     */
    private void makeStale(Subscription s) throws SQLException {
        exec(c, "UPDATE pgmq_bus.subscription SET last_seen = now() - interval '1 hour', lease_seconds = 1"
                + " WHERE queue_name = '" + s.queueName() + "'");
        exec(c, "SELECT pg_sleep(GREATEST(0, 1.1 - extract(epoch FROM clock_timestamp() - pg_postmaster_start_time())))");
    }

    @Test
    void aSubscriptionLastSeenBeforeTheDatabaseRestartedIsLiveForALeaseAfterTheRestart() throws SQLException {
        String channel = unique("restarted");
        Subscription s = bus.join(c, channel, null, "n", 3600);
        // its node heartbeated last long before the database (re)started: the database's outage, not the node's
        exec(c, "UPDATE pgmq_bus.subscription SET last_seen = pg_postmaster_start_time() - interval '2 hours'"
                + " WHERE queue_name = '" + s.queueName() + "'");
        assertEquals(List.of(s.queueName()), column(c, "SELECT queue_name FROM pgmq_bus.publish(?, '{}'::jsonb)", channel));
        assertFalse(column(c, "SELECT * FROM pgmq_bus.reap_expired(interval '1 day')").contains(s.queueName()), "nor is it reaped");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 16})
    void publishFansOutToEverySubscriptionInOneCall(int subscribers) throws SQLException {
        String channel = unique("fanout");
        Set<String> queues = new HashSet<>();
        for (int i = 0; i < subscribers; i++) {
            queues.add(bus.join(c, channel, null, "n", 60).queueName());
        }
        List<String> reached = column(c, "SELECT queue_name FROM pgmq_bus.publish(?, '{\"n\": 1}'::jsonb)", channel);
        assertEquals(queues, new HashSet<>(reached));
        assertEquals(subscribers, reached.size());
        for (String q : queues) {
            assertEquals(1, count(c, "SELECT count(*) FROM pgmq.q_" + q));
        }
    }

    @Test
    void publishSkipsStaleEphemeralButNotDurableSubscriptions() throws SQLException {
        String channel = unique("stale");
        Subscription live = bus.join(c, channel, null, "n", 60);
        Subscription dead = bus.join(c, channel, null, "n", 60);
        Subscription durable = bus.join(c, channel, "keep", "n", 60);
        makeStale(dead);
        makeStale(durable);
        assertEquals(Set.of(live.queueName(), durable.queueName()),
                new HashSet<>(column(c, "SELECT queue_name FROM pgmq_bus.publish(?, '{}'::jsonb)", channel)));
        assertEquals(2, bus.publish(c, channel, "{}", null, 0).size(), "the direct fan-out skips it too");
        assertEquals(0, count(c, "SELECT count(*) FROM pgmq.q_" + dead.queueName()));
    }

    @Test
    void reapDropsOnlyStaleEphemeralQueues() throws SQLException {
        String channel = unique("reap");
        Subscription live = bus.join(c, channel, null, "n", 60);
        Subscription dead = bus.join(c, channel, null, "n", 60);
        Subscription durable = bus.join(c, channel, "keep", "n", 60);
        makeStale(dead);
        makeStale(durable);
        List<String> reaped = bus.reap(c, Duration.ofMinutes(10));
        assertTrue(reaped.contains(dead.queueName()), reaped.toString());
        assertTrue(!reaped.contains(live.queueName()) && !reaped.contains(durable.queueName()), reaped.toString());
        assertEquals(Set.of(live.queueName(), durable.queueName()), new HashSet<>(column(c,
                "SELECT queue_name FROM pgmq.list_queues() WHERE queue_name IN (?, ?, ?)",
                live.queueName(), dead.queueName(), durable.queueName())));
        assertEquals(List.of(), bus.reap(c, Duration.ofMinutes(10)).stream()
                .filter(q -> q.equals(live.queueName()) || q.equals(durable.queueName())).toList());
    }

    /**
     * A reap never waits for a queue that another transaction still holds (one in progress, or a
     * branch in doubt that a dead node left prepared): the heartbeat that reaps would stall behind
     * it, its own subscriptions would look dead to the other nodes, and they would reap them. Found
     * by ClusterFaultsIT: a node killed between a prepare and its commit left a branch holding its
     * queue; the surviving node's heartbeat hung in the drop until the killed node came back, and
     * the restarted node then reaped the survivor's live queue.
     */
    @Test
    void reapLeavesAQueueThatAnotherTransactionHoldsForALaterRoundWithoutWaiting() throws SQLException {
        String channel = unique("reap_held");
        Subscription dead = bus.join(c, channel, null, "n", 60);
        long id = bus.publish(c, channel, "{}", null, 0).get(0);
        makeStale(dead);
        try (Connection holder = BusDb.connect()) {
            holder.setAutoCommit(false);
            bus.acknowledge(holder, dead, id); // the archive's row and the queue's, held until the end
            exec(c, "SET statement_timeout = '10s'");
            List<String> reaped = bus.reap(c, Duration.ofMinutes(10));
            exec(c, "RESET statement_timeout");
            assertFalse(reaped.contains(dead.queueName()), "a held queue is not reaped: " + reaped);
            assertEquals(1, count(c, "SELECT count(*) FROM pgmq_bus.subscription WHERE queue_name = '" + dead.queueName() + "'"),
                    "it stays registered, for the next round");
            holder.rollback();
        }
        assertTrue(bus.reap(c, Duration.ofMinutes(10)).contains(dead.queueName()), "reaped once nobody holds it");
        assertEquals(List.of(), column(c, "SELECT queue_name FROM pgmq.list_queues() WHERE queue_name = ?", dead.queueName()));
    }

    @Test
    void heartbeatKeepsASubscriptionAlive() throws SQLException {
        String channel = unique("beat");
        Subscription s = bus.join(c, channel, null, "n", 60);
        makeStale(s);
        bus.heartbeat(c, List.of(s));
        assertEquals(List.of(), bus.reap(c, Duration.ofMinutes(10)).stream().filter(s.queueName()::equals).toList());
        assertEquals(1, bus.publish(c, channel, "{}", null, 0).size());
    }

    @Test
    void sendingToABusQueueNotifiesItsListenersAfterCommit() throws Exception {
        String channel = unique("wake");
        Subscription s = bus.join(c, channel, null, "n", 60);
        try (Connection listener = BusDb.connect()) {
            exec(listener, "LISTEN pgmq_bus");
            c.setAutoCommit(false);
            bus.publish(c, channel, "{}", null, 0);
            assertEquals(List.of(), Notified.queues(listener, 200), "nothing before commit");
            c.commit();
            c.setAutoCommit(true);
            List<String> woken = BusDb.await(Duration.ofSeconds(5), "a notification",
                    () -> Notified.queues(listener, 100), n -> !n.isEmpty());
            assertEquals(List.of(s.queueName()), woken);
            exec(c, "SELECT pgmq.send('" + s.queueName() + "', '{\"plain\": true}'::jsonb)");
            assertEquals(List.of(s.queueName()), BusDb.await(Duration.ofSeconds(5), "a notification for a plain send",
                    () -> Notified.queues(listener, 100), n -> !n.isEmpty()), "any PGMQ client's send wakes readers");
        }
    }
}
