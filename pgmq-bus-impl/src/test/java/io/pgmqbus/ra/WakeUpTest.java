// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.ra.backend.AckMode;
import io.pgmqbus.ra.backend.DirectBackend;
import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.ra.fake.FaultyProxy;
import io.pgmqbus.ra.fake.RecordingEndpointFactory;
import io.pgmqbus.ra.fake.TestXid;
import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Wake-ups of the adapter's own publishes: never a NOTIFY in the publisher's transaction (it would
 * serialize every notifying commit of the database and could not be prepared), this adapter's
 * readers woken in process at the commit, other nodes' by a NOTIFY sent after it.
 */
class WakeUpTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aOnePhaseCommitOfAPublishSendsNoNotifyFromThePublishersTransaction() throws Exception {
        String channel = channel("wake_pid");
        try (AdapterFixture bus = new AdapterFixture("direct");
             Connection db = TestDatabase.get().connect();
             Connection listener = TestDatabase.get().connect()) {
            Subscription s = new DirectBackend(AckMode.ARCHIVE).join(db, channel, null, "test", 60);
            try (Statement st = listener.createStatement()) {
                st.execute("LISTEN pgmq_bus");
            }
            int publisher;
            try (BusConnection c = bus.factory.getConnection()) {
                XAResource xa = bus.cm.live.get(0).getXAResource();
                Xid xid = new TestXid("pid-" + channel);
                xa.start(xid, XAResource.TMNOFLAGS);
                c.publish(channel, "{\"n\": 1}");
                publisher = holderOfRowLocks(db, "pgmq.q_" + s.queueName());
                xa.end(xid, XAResource.TMSUCCESS);
                xa.commit(xid, true);
            }
            List<PGNotification> heard = Await.until(WAIT, "the wake-up of the committed publish",
                    () -> notifications(listener), n -> !n.isEmpty());
            assertEquals(List.of(s.queueName()), heard.stream().map(PGNotification::getParameter).toList());
            for (PGNotification n : heard) {
                assertNotEquals(publisher, n.getPID(), "the publisher's own transaction ran NOTIFY");
            }
        }
    }

    @Test
    void aPublishWakesThisAdaptersReadersOfTheChannelWithoutWaitingForANotification() throws Exception {
        TestDatabase db = TestDatabase.get();
        try (FaultyProxy proxy = FaultyProxy.before(db);
             AdapterFixture bus = new AdapterFixture("direct", ra -> {
                 ra.setJdbcUrl(proxy.route(db.jdbcUrl()));
                 ra.setHeartbeatSeconds(600); // nothing notices the LISTEN connection gone silent
                 ra.setLeaseSeconds(1200);
             })) {
            Await.until(WAIT, "the LISTEN connection up", () -> bus.ra.wakeUps().listening(), up -> up);
            Await.until(WAIT, "only the LISTEN connection open", () -> proxy.open().size(), n -> n == 1);
            List<java.net.Socket> listen = proxy.open();
            String channel = channel("in_process");
            RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> s.setMaxPollSeconds(600)),
                    false, (m, d) -> { });
            bus.publish(channel, "{\"n\": 1}");
            Await.until(WAIT, "the first message", () -> mdb.received.size(), n -> n == 1);

            proxy.stall(listen); // no notification reaches this node any more
            bus.publish(channel, "{\"n\": 2}");
            Await.until(WAIT, "the second message, with no notification and a 600 s poll",
                    () -> mdb.received.size(), n -> n == 2);
        }
    }

    @Test
    void aBusyNodeSendsItsWakeUpsAtMostOnceAnIntervalAndTheFirstAfterAQuietSpellAtOnce() throws Exception {
        long interval = 3_000;
        String channel = channel("wake_interval");
        try (AdapterFixture bus = new AdapterFixture("direct", ra -> ra.setWakeUpIntervalMillis((int) interval));
             Connection db = TestDatabase.get().connect();
             Connection listener = TestDatabase.get().connect()) {
            Subscription s = new DirectBackend(AckMode.ARCHIVE).join(db, channel, null, "test", 60);
            try (Statement st = listener.createStatement()) {
                st.execute("LISTEN pgmq_bus");
            }
            long start = System.nanoTime();
            bus.publish(channel, "{\"n\": 1}");
            List<String> first = Await.until(WAIT, "the first publish's wake-up",
                    () -> wakeUpsOf(listener, s.queueName()), n -> !n.isEmpty());
            long firstHeard = System.nanoTime();
            assertEquals(List.of(s.queueName()), first);
            assertTrue(firstHeard - start < TimeUnit.MILLISECONDS.toNanos(interval),
                    "the first publish after a quiet spell waited for the interval: "
                            + TimeUnit.NANOSECONDS.toMillis(firstHeard - start) + " ms");

            bus.publish(channel, "{\"n\": 2}");
            bus.publish(channel, "{\"n\": 3}");
            List<String> next = Await.until(WAIT.plusMillis(interval), "the next two publishes' wake-up",
                    () -> wakeUpsOf(listener, s.queueName()), n -> !n.isEmpty());
            long nextHeard = System.nanoTime();
            assertTrue(nextHeard - start >= TimeUnit.MILLISECONDS.toNanos(interval),
                    "a round of wake-ups came " + TimeUnit.NANOSECONDS.toMillis(nextHeard - start)
                            + " ms after the first publish, before the interval of " + interval + " ms was over");
            assertEquals(List.of(s.queueName()), next, "both publishes are woken by one round");
            assertEquals(List.of(), wakeUpsOf(listener, s.queueName()), "no further round");
        }
    }

    /** The payloads of the notifications waiting on {@code listener} that name {@code queue} (others' are dropped). */
    private static List<String> wakeUpsOf(Connection listener, String queue) throws Exception {
        return notifications(listener).stream().map(PGNotification::getParameter).filter(queue::equals).toList();
    }

    /** The backend process that holds row-exclusive locks on {@code table}: the transaction that wrote to it. */
    private static int holderOfRowLocks(Connection db, String table) throws Exception {
        try (PreparedStatement ps = db.prepareStatement("SELECT pid FROM pg_locks WHERE relation = ?::regclass"
                + " AND mode = 'RowExclusiveLock' AND pid <> pg_backend_pid()")) {
            ps.setString(1, table);
            List<Integer> pids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    pids.add(rs.getInt(1));
                }
            }
            assertEquals(1, pids.size(), "one transaction writes to " + table + ": " + pids);
            return pids.get(0);
        }
    }

    private static List<PGNotification> notifications(Connection listener) throws Exception {
        PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(100);
        return got == null ? List.of() : Arrays.asList(got);
    }
}
