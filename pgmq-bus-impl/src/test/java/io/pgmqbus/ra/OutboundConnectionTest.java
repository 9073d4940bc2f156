// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusException;
import io.pgmqbus.ra.backend.AckMode;
import io.pgmqbus.ra.backend.DirectBackend;
import io.pgmqbus.ra.backend.PgmqBackend;
import io.pgmqbus.ra.backend.QueuedMessage;
import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.fake.Notified;
import io.pgmqbus.ra.fake.TestXid;
import io.pgmqbus.ra.outbound.PgmqBusManagedConnectionFactory;
import io.pgmqbus.testdb.TestDatabase;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The outbound side with a fake connection manager and transaction, on the real database. */
class OutboundConnectionTest {
    private final PgmqBackend direct = new DirectBackend(AckMode.ARCHIVE);
    private AdapterFixture bus;
    private Connection db;

    @BeforeEach
    void start() throws Exception {
        bus = new AdapterFixture("direct");
        db = TestDatabase.get().connect();
    }

    @AfterEach
    void stop() throws Exception {
        db.close();
        bus.close();
    }

    private List<QueuedMessage> read(Subscription s) {
        return direct.read(db, s, 30, 10);
    }

    /** Publishes {@code payload} in a new XA branch {@code name} and ends the branch (not yet completed). */
    private static Xid publishInBranch(XAResource xa, BusConnection c, String name, String channel, String payload)
            throws XAException {
        Xid xid = new TestXid(name);
        xa.start(xid, XAResource.TMNOFLAGS);
        c.publish(channel, payload);
        xa.end(xid, XAResource.TMSUCCESS);
        return xid;
    }

    /** The first notifications that arrive within 5 s, for {@code what}. */
    private static List<String> wakeUp(Connection listener, String what) throws Exception {
        return io.pgmqbus.ra.fake.Await.until(java.time.Duration.ofSeconds(5), what,
                () -> Notified.queues(listener, 100), n -> !n.isEmpty());
    }

    @Test
    void publishInAnXaTransactionIsSeenOnlyAfterCommitAndNeverAfterRollback() throws Exception {
        String channel = channel("xa");
        Subscription s = direct.join(db, channel, null, "test", 60);
        try (BusConnection c = bus.factory.getConnection()) {
            XAResource xa = bus.cm.live.get(0).getXAResource();
            Xid rolledBack = publishInBranch(xa, c, "rb-" + channel, channel, "{\"n\": 1}");
            xa.rollback(rolledBack);

            Xid committed = new TestXid("c-" + channel);
            xa.start(committed, XAResource.TMNOFLAGS);
            c.publish(channel, "{\"n\": 2}");
            assertEquals(List.of(), read(s), "invisible before commit");
            xa.end(committed, XAResource.TMSUCCESS);
            assertEquals(XAResource.XA_OK, xa.prepare(committed));
            xa.commit(committed, false);
        }
        assertEquals(List.of("{\"n\": 2}"), read(s).stream().map(QueuedMessage::message).toList());
    }

    @Test
    void readersAreWokenRightAfterATwoPhaseCommitAndNotBefore() throws Exception {
        String channel = channel("xa_wake");
        Subscription s = direct.join(db, channel, null, "test", 60);
        try (Connection listener = TestDatabase.get().connect(); Statement st = listener.createStatement()) {
            st.execute("LISTEN pgmq_bus");
            try (BusConnection c = bus.factory.getConnection()) {
                XAResource xa = bus.cm.live.get(0).getXAResource();
                Xid xid = publishInBranch(xa, c, "wake-" + channel, channel, "{\"n\": 1}");
                assertEquals(XAResource.XA_OK, xa.prepare(xid), "no NOTIFY ran in the branch, so it prepares");
                assertEquals(List.of(), Notified.queues(listener, 300), "nothing before the commit");
                xa.commit(xid, false);
            }
            List<String> woken = wakeUp(listener, "the wake-up");
            assertEquals(List.of(s.queueName()), woken);
        }
    }

    @Test
    void aOnePhaseCommitWakesReadersWithTheCommitAndARolledBackOneNever() throws Exception {
        String channel = channel("xa_1pc");
        Subscription s = direct.join(db, channel, null, "test", 60);
        try (Connection listener = TestDatabase.get().connect(); Statement st = listener.createStatement()) {
            st.execute("LISTEN pgmq_bus");
            try (BusConnection c = bus.factory.getConnection()) {
                XAResource xa = bus.cm.live.get(0).getXAResource();
                Xid rolledBack = publishInBranch(xa, c, "1pc-rb-" + channel, channel, "{\"n\": 1}");
                xa.rollback(rolledBack);
                assertEquals(List.of(), Notified.queues(listener, 300), "a rolled-back branch wakes nobody");

                Xid xid = publishInBranch(xa, c, "1pc-" + channel, channel, "{\"n\": 2}");
                assertEquals(List.of(), Notified.queues(listener, 300), "nothing before the commit");
                xa.commit(xid, true);
            }
            List<String> woken = wakeUp(listener, "the wake-up");
            assertEquals(List.of(s.queueName()), woken);
        }
        assertEquals(List.of("{\"n\": 2}"), read(s).stream().map(QueuedMessage::message).toList());
    }

    @Test
    void aConnectionBackFromAnXaBranchWakesReadersInAutoCommitAndInLocalTransactions() throws Exception {
        String channel = channel("xa_then_auto");
        Subscription s = direct.join(db, channel, null, "test", 60);
        try (Connection listener = TestDatabase.get().connect(); Statement st = listener.createStatement()) {
            st.execute("LISTEN pgmq_bus");
            try (BusConnection c = bus.factory.getConnection()) {
                XAResource xa = bus.cm.live.get(0).getXAResource();
                Xid xid = publishInBranch(xa, c, "auto-" + channel, channel, "{\"n\": 1}");
                assertEquals(XAResource.XA_OK, xa.prepare(xid));
                xa.commit(xid, false);
                assertEquals(List.of(s.queueName()), wakeUp(listener, "the wake-up after the two-phase commit"));

                c.publish(channel, "{\"n\": 2}");
                assertEquals(List.of(s.queueName()), wakeUp(listener, "the wake-up of an auto-commit publish"));

                LocalTransaction tx = bus.cm.live.get(0).getLocalTransaction();
                tx.begin();
                c.publish(channel, "{\"n\": 3}");
                tx.commit();
                assertEquals(List.of(s.queueName()), wakeUp(listener, "the wake-up of a local transaction"));
            }
        }
        assertEquals(3, read(s).size());
    }

    @Test
    void aLocalTransactionCommitsOrRollsBackThePublish() throws Exception {
        String channel = channel("local_tx");
        Subscription s = direct.join(db, channel, null, "test", 60);
        try (BusConnection c = bus.factory.getConnection()) {
            LocalTransaction tx = bus.cm.live.get(0).getLocalTransaction();
            tx.begin();
            c.publish(channel, "{\"n\": 1}");
            tx.rollback();
            tx.begin();
            c.publish(channel, "{\"n\": 2}");
            tx.commit();
            c.publish(channel, "{\"n\": 3}");
        }
        assertEquals(List.of("{\"n\": 2}", "{\"n\": 3}"), read(s).stream().map(QueuedMessage::message).toList());
    }

    @Test
    void aBrokenConnectionIsReportedSoTheContainerEvictsIt() throws Exception {
        try (BusConnection c = bus.factory.getConnection()) {
            try (Statement st = db.createStatement()) {
                st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pgmq-bus'"
                        + " AND pid <> pg_backend_pid()");
            }
            BusException e = assertThrows(BusException.class, () -> c.publish(channel("broken"), "{}"));
            assertTrue(e.isConnectionFailure(), e.getSqlState() + ": " + e.getMessage());
            assertEquals(1, bus.cm.errors.size());
            assertEquals(ConnectionEvent.CONNECTION_ERROR_OCCURRED, bus.cm.errors.get(0).getId());
        }
        try (BusConnection c = bus.factory.getConnection()) {
            assertEquals(List.of(), c.publish(channel("fresh"), "{}"), "a new connection works");
        }
    }

    @Test
    void sendReachesOneDurableSubscriptionOnly() throws Exception {
        String channel = channel("send");
        Subscription billing = direct.join(db, channel, "billing", "test", 60);
        Subscription other = direct.join(db, channel, null, "test", 60);
        try (BusConnection c = bus.factory.getConnection()) {
            c.send(channel, "billing", "{\"invoice\": 1}");
            BusException e = assertThrows(BusException.class, () -> c.send(channel, "nobody", "{}"));
            assertTrue(e.getMessage().contains("no durable subscription 'nobody'"), e.getMessage());
        }
        assertEquals(1, read(billing).size());
        assertEquals(0, read(other).size());
    }

    @Test
    void aClosedHandleRefusesAndClosingTwiceIsHarmless() {
        BusConnection c = bus.factory.getConnection();
        c.close();
        c.close();
        assertEquals(List.of(), bus.cm.live);
        assertThrows(BusException.class, () -> c.publish("x", "{}"));
    }

    @Test
    void publishBatchAndHeadersOfTheCaller() throws Exception {
        String channel = channel("batch");
        Subscription s = direct.join(db, channel, null, "test", 60);
        try (BusConnection c = bus.factory.getConnection()) {
            assertEquals(3, c.publishBatch(channel, List.of("{\"i\": 1}", "{\"i\": 2}", "{\"i\": 3}")).size());
        }
        List<QueuedMessage> got = read(s);
        assertEquals(List.of("{\"i\": 1}", "{\"i\": 2}", "{\"i\": 3}"), got.stream().map(QueuedMessage::message).toList());
        assertTrue(got.get(0).headers().contains("\"sender\""), got.get(0).headers());
    }

    @Test
    void connectionFactoriesAreEqualWhenTheyShareTheAdapter() throws Exception {
        PgmqBusManagedConnectionFactory a = new PgmqBusManagedConnectionFactory();
        PgmqBusManagedConnectionFactory b = new PgmqBusManagedConnectionFactory();
        a.setResourceAdapter(bus.ra);
        b.setResourceAdapter(bus.ra);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        PgmqBusManagedConnectionFactory other = new PgmqBusManagedConnectionFactory();
        other.setResourceAdapter(new PgmqBusResourceAdapter());
        assertNotEquals(a, other);
        ManagedConnection mc = a.createManagedConnection(null, null);
        try {
            assertEquals(mc, a.matchManagedConnections(java.util.Set.of(mc), null, null));
        } finally {
            mc.destroy();
        }
    }
}
