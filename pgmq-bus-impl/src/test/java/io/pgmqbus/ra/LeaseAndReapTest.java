// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgmqbus.ra.backend.AckMode;
import io.pgmqbus.ra.backend.DirectBackend;
import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.ra.fake.FaultyProxy;
import io.pgmqbus.ra.fake.RecordingEndpointFactory;
import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Liveness is judged fairly: each subscription's own lease, no reaping after a shared outage, rejoining a lost queue. */
class LeaseAndReapTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static long count(String sql, Object... args) throws Exception {
        try (Connection c = TestDatabase.get().connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static void exec(String sql, Object... args) throws Exception {
        try (Connection c = TestDatabase.get().connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.execute();
        }
    }

    private static Subscription peer(String channel, int leaseSeconds, String lastSeenAgo) throws Exception {
        try (Connection c = TestDatabase.get().connect()) {
            Subscription s = new DirectBackend(AckMode.ARCHIVE).join(c, channel, null, "peer-node", leaseSeconds);
            exec("UPDATE pgmq_bus.subscription SET last_seen = now() - ?::interval WHERE queue_name = ?",
                    lastSeenAgo, s.queueName());
            return s;
        }
    }

    private static long registered(Subscription s) throws Exception {
        return count("SELECT count(*) FROM pgmq_bus.subscription WHERE queue_name = ?", s.queueName());
    }

    @Test
    void reapingHonoursEachSubscriptionsOwnLease() throws Exception {
        try (AdapterFixture bus = new AdapterFixture("direct", ra -> {
            ra.setHeartbeatSeconds(1);
            ra.setLeaseSeconds(2);
        })) {
            String channel = channel("own_lease");
            Subscription patient = peer(channel, 300, "50 seconds");
            exec("SELECT pgmq.send(?, '{\"undelivered\": true}'::jsonb)", patient.queueName());
            Subscription first = peer(channel, 2, "1 hour");
            Await.until(WAIT, "this node reaping (healthy for longer than the lease)", () -> registered(first), n -> n == 0);
            Subscription dead = peer(channel, 2, "1 hour");
            Await.until(WAIT, "the dead peer reaped", () -> registered(dead), n -> n == 0);
            assertEquals(1, registered(patient), "a peer with lease 300 s seen 50 s ago is alive");
            assertEquals(1, count("SELECT count(*) FROM pgmq.q_" + patient.queueName()), "its message is kept");
        }
    }

    /**
     * What ClusterFaultsIT found: a node killed between a prepare and its commit leaves a branch in
     * doubt that holds its queue until its transaction manager ends it. This node's heartbeat, which
     * reaps the dead node's queue, must not wait for it: while it waited, this node's own
     * subscription would go unseen, and another node would reap it though it is alive.
     */
    @Test
    void aPeersQueueHeldByABranchInDoubtDoesNotHoldUpThisNodesHeartbeat() throws Exception {
        try (AdapterFixture bus = new AdapterFixture("direct", ra -> {
            ra.setHeartbeatSeconds(1);
            ra.setLeaseSeconds(2);
        })) {
            String channel = channel("held_peer");
            bus.activate(bus.spec(channel, s -> { }), false, (m, d) -> { });
            Subscription mine = Await.until(WAIT, "this node's subscription", () -> bus.ra.activations().get(0).subscription(),
                    s -> s != null);
            Subscription first = peer(channel, 2, "1 hour");
            Await.until(WAIT, "this node reaping (healthy for longer than the lease)", () -> registered(first), n -> n == 0);
            Subscription dead = peer(channel, 2, "1 hour");
            exec("SELECT pgmq.send(?, '{\"in\": \"doubt\"}'::jsonb)", dead.queueName());
            String gid = "held-peer-" + UUID.randomUUID();
            String since;
            try (Connection holder = TestDatabase.get().connect(); Statement st = holder.createStatement()) {
                st.execute("BEGIN");
                st.execute("DELETE FROM pgmq.q_" + dead.queueName());
                st.execute("PREPARE TRANSACTION '" + gid + "'");
                try (ResultSet rs = st.executeQuery("SELECT now()::text")) {
                    rs.next();
                    since = rs.getString(1);
                }
            }
            try {
                Await.until(WAIT, "this node heartbeating three seconds after the branch in doubt appeared", () -> count(
                        "SELECT count(*) FROM pgmq_bus.subscription WHERE queue_name = ? AND last_seen > ?::timestamptz + interval '3 seconds'",
                        mine.queueName(), since), n -> n == 1);
                assertEquals(1, registered(dead), "the held queue stays registered, for a later round");
            } finally {
                exec("COMMIT PREPARED '" + gid + "'");
            }
            Await.until(WAIT, "the dead peer reaped once nothing holds its queue", () -> registered(dead), n -> n == 0);
            assertEquals(1, registered(mine), "this node's subscription was never reaped");
        }
    }

    @Test
    void anActivationWhoseQueueWasDroppedJoinsAgainAndGoesOnReceiving() throws Exception {
        try (AdapterFixture bus = new AdapterFixture("direct", ra -> ra.setHeartbeatSeconds(1))) {
            String channel = channel("rejoin");
            RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> { }), false, (m, d) -> { });
            Subscription lost = bus.ra.activations().get(0).subscription();
            exec("SELECT pgmq_bus.leave(?)", lost.queueName()); // as a reaper on another node would
            Await.until(WAIT, "a new subscription", () -> count(
                    "SELECT count(*) FROM pgmq_bus.subscription WHERE channel = ?", channel), n -> n == 1);
            bus.publish(channel, "{\"after\": \"the rejoin\"}");
            Await.until(WAIT, "the message published after the queue was lost", () -> mdb.received.size(), n -> n == 1);
        }
    }

    @Test
    void theIsolatedBackendJoinsWithTheAdaptersLease() throws Exception {
        try (AdapterFixture bus = new AdapterFixture("isolated", ra -> ra.setLeaseSeconds(120))) {
            String channel = channel("iso_lease");
            bus.activate(bus.spec(channel, s -> { }), false, (m, d) -> { });
            assertEquals(120, count("SELECT lease_seconds FROM pgmq_bus.subscription WHERE channel = ?", channel));
        }
    }

    @Test
    void anOutageSharedWithAPeerReapsNobody() throws Exception {
        TestDatabase db = TestDatabase.get();
        try (FaultyProxy proxy = FaultyProxy.before(db);
             AdapterFixture bus = new AdapterFixture("direct", ra -> {
                 ra.setJdbcUrl(proxy.route(db.jdbcUrl()));
                 ra.setHeartbeatSeconds(1);
                 ra.setLeaseSeconds(2);
             })) {
            String channel = channel("shared_outage");
            bus.activate(bus.spec(channel, s -> { }), false, (m, d) -> { });
            Subscription mine = bus.ra.activations().get(0).subscription();
            Subscription other = peer(channel, 2, "0 seconds");

            proxy.cut(); // this node and the peer lose the database (the peer simply stops heartbeating)
            Await.until(WAIT, "both unseen for more than two leases", () -> count(
                    "SELECT count(*) FROM pgmq_bus.subscription WHERE queue_name IN (?, ?) AND last_seen < now() - interval '5 seconds'",
                    mine.queueName(), other.queueName()), n -> n == 2);
            proxy.restore();
            Await.until(WAIT, "this node heartbeating again", () -> count(
                    "SELECT count(*) FROM pgmq_bus.subscription WHERE queue_name = ? AND last_seen > now() - interval '1 second'",
                    mine.queueName()), n -> n == 1);
            // the peer is back a moment later, well within its lease, and heartbeats every half second
            // for more than two leases while this node's heartbeat (and reaper) runs every second
            for (int i = 0; i < 10; i++) {
                assertEquals(1, count("SELECT pgmq_bus.heartbeat(ARRAY[?])", other.queueName()), "the peer's row is there");
                Thread.sleep(500);
            }
            assertEquals(1, registered(other), "the peer survived the outage it shared");
            assertEquals(1, registered(mine));
        }
    }
}
