// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusException;
import io.pgmqbus.ra.backend.AckMode;
import io.pgmqbus.ra.backend.DirectBackend;
import io.pgmqbus.ra.backend.IsolatedBackend;
import io.pgmqbus.ra.backend.PgmqBackend;
import io.pgmqbus.ra.backend.SchemaInstaller;
import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.fake.TestXid;
import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.xa.PGXADataSource;

/**
 * A transacted delivery's acknowledgement is sent as its branch completes: with the commit, in one
 * round trip, when the transaction manager commits in one phase (a bean with no other resource);
 * before the prepare otherwise; never when the branch rolls back. On a real PostgreSQL, through
 * pgjdbc's XA resource as the adapter uses it.
 */
class AcknowledgementAtCompletionTest {
    private static final PgmqBackend BACKEND = new DirectBackend(AckMode.DELETE);

    @BeforeAll
    static void install() throws Exception {
        try (Connection c = TestDatabase.get().connect()) {
            new SchemaInstaller().install(c);
        }
    }

    @Test
    void aOnePhaseCommitCarriesTheAcknowledgementInTheSameRoundTrip() throws Exception {
        Subscription s = subscription("ack_commit");
        try (Counted xa = counted(); Connection db = TestDatabase.get().connect()) {
            acknowledgeAndCommit(xa, s, publish(db, s)); // the backend learns the queue's table on its first use
            for (int delivery = 0; delivery < 3; delivery++) {
                long id = publish(db, s);
                int before = RoundTripCountingSocketFactory.ROUND_TRIPS.get();
                Delivered d = delivered(xa, ack(s, id));
                d.branch().end(d.xid(), XAResource.TMSUCCESS);
                d.branch().commit(d.xid(), true);
                int roundTrips = RoundTripCountingSocketFactory.ROUND_TRIPS.get() - before;

                assertEquals(1, roundTrips, "delivery " + delivery + ": the whole branch, acknowledgement and commit, in one round trip");
                assertTrue(d.branch().wasCommitted());
                assertEquals(0, count(db, s, id), "the message is acknowledged");
                assertTrue(xa.getConnection().getAutoCommit(), "the connection is back in auto-commit");
            }
        }
    }

    @Test
    void aBranchThatIsPreparedIsAcknowledgedBeforeItsPrepareAndCommitsWithIt() throws Exception {
        Subscription s = subscription("ack_prepare");
        try (Counted xa = counted(); Connection db = TestDatabase.get().connect()) {
            long id = publish(db, s);
            Delivered d = delivered(xa, ack(s, id));
            d.branch().end(d.xid(), XAResource.TMSUCCESS);
            assertEquals(XAResource.XA_OK, d.branch().prepare(d.xid()), "a branch that acknowledged is not read-only");
            assertEquals(1, count(db, s, id), "prepared, not committed yet");
            d.branch().commit(d.xid(), false);
            assertTrue(d.branch().wasCommitted());
            assertEquals(0, count(db, s, id), "acknowledged by the second phase");
        }
    }

    @Test
    void aBranchThatRollsBackAcknowledgesNothing() throws Exception {
        Subscription s = subscription("ack_rollback");
        try (Counted xa = counted(); Connection db = TestDatabase.get().connect()) {
            long id = publish(db, s);
            int before = RoundTripCountingSocketFactory.ROUND_TRIPS.get();
            Delivered d = delivered(xa, ack(s, id));
            d.branch().end(d.xid(), XAResource.TMFAIL);
            d.branch().rollback(d.xid());
            assertEquals(0, RoundTripCountingSocketFactory.ROUND_TRIPS.get() - before, "nothing was sent, nothing to undo");
            assertFalse(d.branch().wasCommitted());
            assertEquals(1, count(db, s, id), "the message is still there");
            assertThrows(BusException.class,
                    () -> d.branch().acknowledgeAtCompletion("acknowledging " + id, ack(s, id)),
                    "a rolled-back branch refuses an acknowledgement");
        }
    }

    @Test
    void anAcknowledgementThatFailsWithTheCommitRollsTheBranchBackAndLeavesTheConnectionUsable() throws Exception {
        Subscription s = subscription("ack_fails");
        String table = "pgmq.q_" + s.queueName();
        try (Counted xa = counted(); Connection db = TestDatabase.get().connect()) {
            long id = publish(db, s);
            acknowledgeAndCommit(xa, s, publish(db, s)); // the queue's statements are known to this backend
            exec(db, "ALTER TABLE " + table + " RENAME TO q_" + s.queueName() + "_away");
            try {
                Delivered d = delivered(xa, ack(s, id));
                d.branch().end(d.xid(), XAResource.TMSUCCESS);
                XAException failed = assertThrows(XAException.class, () -> d.branch().commit(d.xid(), true));
                assertTrue(failed.errorCode >= XAException.XA_RBBASE && failed.errorCode <= XAException.XA_RBEND,
                        "rolled back: " + failed.errorCode);
                assertFalse(d.branch().wasCommitted());
            } finally {
                exec(db, "ALTER TABLE " + table + "_away RENAME TO q_" + s.queueName());
            }
            assertEquals(1, count(db, s, id), "the message was not acknowledged");
            assertTrue(xa.getConnection().getAutoCommit(), "the connection is back in auto-commit");
            acknowledgeAndCommit(xa, s, id);
            assertEquals(0, count(db, s, id), "the next branch on the connection acknowledges");
        }
    }

    @Test
    void theIsolatedBackendSendsItsAcknowledgementWithTheCommitToo() throws Exception {
        PgmqBackend isolated = new IsolatedBackend(AckMode.ARCHIVE);
        try (Connection db = TestDatabase.get().connect(); Counted xa = counted()) {
            Subscription s = isolated.join(db, "ack_isolated_" + UUID.randomUUID().toString().substring(0, 8), null, "test", 60);
            long id = isolated.publish(db, s.channel(), "{}", null, 0).get(0);
            int before = RoundTripCountingSocketFactory.ROUND_TRIPS.get();
            Delivered d = delivered(xa, new BranchAcknowledgement(isolated, s, List.of(id)));
            d.branch().end(d.xid(), XAResource.TMSUCCESS);
            d.branch().commit(d.xid(), true);
            assertEquals(1, RoundTripCountingSocketFactory.ROUND_TRIPS.get() - before);
            assertEquals(0, count(db, s, id));
            assertEquals(1, scalar(db, "SELECT count(*) FROM pgmq.a_" + s.queueName() + " WHERE msg_id = " + id),
                    "archived, as its ackMode says");
            isolated.leave(db, s);
        }
    }

    private static void acknowledgeAndCommit(Counted xa, Subscription s, long id) throws Exception {
        Delivered d = delivered(xa, ack(s, id));
        d.branch().end(d.xid(), XAResource.TMSUCCESS);
        d.branch().commit(d.xid(), true);
    }

    /** A delivery's branch, as a transaction manager starts it, whose bean returned: its acknowledgement registered. */
    private record Delivered(TrackingXAResource branch, Xid xid) {
    }

    private static Delivered delivered(Counted xa, BranchAcknowledgement acknowledgement) throws Exception {
        TrackingXAResource branch = new TrackingXAResource(xa.xa());
        Xid xid = new TestXid(UUID.randomUUID().toString());
        branch.start(xid, XAResource.TMNOFLAGS);
        branch.acknowledgeAtCompletion("acknowledging " + acknowledgement.msgIds(), acknowledgement);
        return new Delivered(branch, xid);
    }

    private static BranchAcknowledgement ack(Subscription s, long id) {
        return new BranchAcknowledgement(BACKEND, s, List.of(id));
    }

    private static Subscription subscription(String prefix) throws Exception {
        try (Connection c = TestDatabase.get().connect()) {
            return BACKEND.join(c, prefix + "_" + UUID.randomUUID().toString().substring(0, 8), "s", "test", 60);
        }
    }

    private static long publish(Connection db, Subscription s) {
        return BACKEND.publish(db, s.channel(), "{}", null, 0).get(0);
    }

    private static int count(Connection db, Subscription s, long id) throws Exception {
        return scalar(db, "SELECT count(*) FROM pgmq.q_" + s.queueName() + " WHERE msg_id = " + id);
    }

    private static int scalar(Connection db, String sql) throws Exception {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void exec(Connection db, String sql) throws Exception {
        try (Statement st = db.createStatement()) {
            st.execute(sql);
        }
    }

    /** An XA connection (pgjdbc's, as the adapter's pool makes them) whose round trips are counted. */
    private record Counted(XAConnection xa) implements AutoCloseable {
        XAResource getXAResource() throws Exception {
            return xa.getXAResource();
        }

        Connection getConnection() throws Exception {
            return xa.getConnection();
        }

        @Override
        public void close() throws Exception {
            xa.close();
        }
    }

    private static Counted counted() throws Exception {
        PGXADataSource ds = TestDatabase.get().xaDataSource();
        ds.setSocketFactory(RoundTripCountingSocketFactory.class.getName());
        return new Counted(ds.getXAConnection());
    }
}
