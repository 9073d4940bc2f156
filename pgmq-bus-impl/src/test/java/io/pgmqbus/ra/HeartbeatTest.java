// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgmqbus.ra.backend.AckMode;
import io.pgmqbus.ra.backend.DirectBackend;
import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The adapter's timer keeps its own subscriptions alive and reaps those of peers that died. */
class HeartbeatTest {

    private static long count(String sql, String queue) throws Exception {
        try (Connection c = TestDatabase.get().connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, queue);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    @Test
    void aDeadPeersQueueIsReapedWhileThisNodesStaysAlive() throws Exception {
        try (AdapterFixture bus = new AdapterFixture("direct", ra -> {
            ra.setHeartbeatSeconds(1);
            ra.setLeaseSeconds(2);
        })) {
            String channel = channel("beat");
            bus.activate(bus.spec(channel, s -> { }), false, (m, d) -> { });
            Subscription mine = bus.ra.activations().get(0).subscription();
            Subscription dead;
            try (Connection c = TestDatabase.get().connect(); Statement st = c.createStatement()) {
                dead = new DirectBackend(AckMode.ARCHIVE).join(c, channel, null, "killed-node", 2);
                st.execute("UPDATE pgmq_bus.subscription SET last_seen = now() - interval '1 hour' WHERE queue_name = '"
                        + dead.queueName() + "'");
            }
            Await.until(Duration.ofSeconds(20), "the dead peer's queue reaped",
                    () -> count("SELECT count(*) FROM pgmq.list_queues() WHERE queue_name = ?", dead.queueName()), n -> n == 0);
            Await.until(Duration.ofSeconds(20), "this node's subscription older than two leases",
                    () -> count("SELECT count(*) FROM pgmq_bus.subscription WHERE queue_name = ?"
                            + " AND created_at < now() - interval '5 seconds'", mine.queueName()), n -> n == 1);
            assertEquals(1, count("SELECT count(*) FROM pgmq_bus.subscription WHERE queue_name = ?"
                    + " AND last_seen > now() - interval '2 seconds'", mine.queueName()), "kept alive by heartbeats");
            assertEquals(1, count("SELECT count(*) FROM pgmq.list_queues() WHERE queue_name = ?", mine.queueName()));
        }
    }
}
