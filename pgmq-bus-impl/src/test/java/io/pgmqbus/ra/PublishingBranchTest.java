// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static io.pgmqbus.ra.AdapterFixture.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusException;
import io.pgmqbus.ra.backend.AckMode;
import io.pgmqbus.ra.backend.DirectBackend;
import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.fake.TestXid;
import io.pgmqbus.ra.inbound.RoundTripCountingSocketFactory;
import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.UUID;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A publish inside a JTA transaction, on the managed connection's XA branch as a transaction
 * manager drives it, on the real database: what reaches the database when, and what the
 * transaction manager is told. Round trips are counted on the test's thread only (the adapter's
 * wake-ups and listener use their own).
 */
class PublishingBranchTest {
    private AdapterFixture bus;
    private Connection db;

    @BeforeEach
    void start() throws Exception {
        String url = TestDatabase.get().jdbcUrl();
        String counted = url + (url.contains("?") ? "&" : "?") + "socketFactory=" + RoundTripCountingSocketFactory.class.getName();
        bus = new AdapterFixture("direct", ra -> ra.setJdbcUrl(counted));
        db = TestDatabase.get().connect();
    }

    @AfterEach
    void stop() throws Exception {
        db.close();
        bus.close();
    }

    @Test
    void aPublishCommittedInOnePhaseIsTwoRoundTripsThePublishAndTheCommit() throws Exception {
        String channel = channel("branch_rt");
        Subscription s = join(channel);
        try (BusConnection c = bus.factory.getConnection()) {
            XAResource xa = xaResource();
            publishAndCommit(xa, c, channel, 0); // the connection prepares its statements once
            for (int n = 1; n <= 3; n++) {
                int before = RoundTripCountingSocketFactory.ofThisThread();
                Xid xid = xid();
                xa.start(xid, XAResource.TMNOFLAGS);
                c.publish(channel, "{\"n\": " + n + "}");
                assertEquals(n, stored(s), "not visible before the commit");
                xa.end(xid, XAResource.TMSUCCESS);
                xa.commit(xid, true);
                int roundTrips = RoundTripCountingSocketFactory.ofThisThread() - before; // count() uses a connection of its own
                assertEquals(2, roundTrips, "publish " + n + ": the publish (with its BEGIN) and the COMMIT");
                assertEquals(n + 1, stored(s), "committed");
            }
        }
    }

    @Test
    void aBranchThatPublishedNothingReachesTheDatabaseNeither() throws Exception {
        try (BusConnection c = bus.factory.getConnection()) {
            XAResource xa = xaResource();
            publishAndCommit(xa, c, channel("branch_warm"), 0);
            int before = RoundTripCountingSocketFactory.ofThisThread();
            Xid committed = xid();
            xa.start(committed, XAResource.TMNOFLAGS);
            xa.end(committed, XAResource.TMSUCCESS);
            xa.commit(committed, true);
            Xid prepared = xid();
            xa.start(prepared, XAResource.TMNOFLAGS);
            xa.end(prepared, XAResource.TMSUCCESS);
            assertEquals(XAResource.XA_RDONLY, xa.prepare(prepared), "nothing to prepare: read-only");
            Xid rolledBack = xid();
            xa.start(rolledBack, XAResource.TMNOFLAGS);
            xa.end(rolledBack, XAResource.TMFAIL);
            xa.rollback(rolledBack);
            assertEquals(0, RoundTripCountingSocketFactory.ofThisThread() - before, "three empty branches, no round trip");
        }
    }

    @Test
    void aPreparedBranchIsPgjdbcsForRecoveryAndCommitsInTheSecondPhase() throws Exception {
        String channel = channel("branch_2pc");
        Subscription s = join(channel);
        Xid xid = xid();
        try (BusConnection c = bus.factory.getConnection()) {
            XAResource xa = xaResource();
            xa.start(xid, XAResource.TMNOFLAGS);
            c.publish(channel, "{\"two\": \"phases\"}");
            xa.end(xid, XAResource.TMSUCCESS);
            assertEquals(XAResource.XA_OK, xa.prepare(xid));
            assertEquals(0, stored(s), "prepared, not committed");
            XAConnection other = TestDatabase.get().xaDataSource().getXAConnection();
            try {
                Xid[] inDoubt = other.getXAResource().recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
                assertTrue(Arrays.stream(inDoubt).anyMatch(x -> sameXid(x, xid)),
                        "pgjdbc's recovery lists the branch as the transaction manager named it");
            } finally {
                other.close();
            }
            xa.commit(xid, false);
            assertEquals(1, stored(s), "committed by the second phase");
            c.publish(channel, "{\"after\": \"the branch\"}");
            assertEquals(2, stored(s), "the connection is back in auto-commit");
        }
    }

    @Test
    void aBranchEndedAndJoinedAgainCommitsAllItPublishedAndRefusesAnotherBranchMeanwhile() throws Exception {
        String channel = channel("branch_join");
        Subscription s = join(channel);
        try (BusConnection c = bus.factory.getConnection()) {
            XAResource xa = xaResource();
            Xid xid = xid();
            xa.start(xid, XAResource.TMNOFLAGS);
            c.publish(channel, "{\"n\": 1}");
            xa.end(xid, XAResource.TMSUCCESS); // a container delists the connection when its handle closes
            XAException other = assertThrows(XAException.class, () -> xa.start(xid(), XAResource.TMNOFLAGS),
                    "the connection's branch is not over");
            assertEquals(XAException.XAER_PROTO, other.errorCode);
            xa.start(xid, XAResource.TMJOIN); // and enlists it again in the same transaction
            c.publish(channel, "{\"n\": 2}");
            xa.end(xid, XAResource.TMSUCCESS);
            assertEquals(0, stored(s));
            xa.commit(xid, true);
            assertEquals(2, stored(s), "both publishes, in one commit");
        }
    }

    @Test
    void aRolledBackBranchStoresNothingAndLeavesTheConnectionInAutoCommit() throws Exception {
        String channel = channel("branch_rb");
        Subscription s = join(channel);
        try (BusConnection c = bus.factory.getConnection()) {
            XAResource xa = xaResource();
            Xid xid = xid();
            xa.start(xid, XAResource.TMNOFLAGS);
            c.publish(channel, "{\"rolled\": \"back\"}");
            xa.end(xid, XAResource.TMFAIL);
            xa.rollback(xid);
            assertEquals(0, stored(s), "nothing stored");
            nextHandle().publish(channel, "{\"auto\": \"commit\"}");
            assertEquals(1, stored(s), "the next publish commits on its own");
        }
    }

    @Test
    void aBranchWhosePublishFailedInTheDatabaseIsNeverReportedCommitted() throws Exception {
        String channel = channel("branch_fail");
        Subscription s = join(channel);
        poison(s);
        try (BusConnection c = bus.factory.getConnection()) {
            XAResource xa = xaResource();
            for (boolean onePhase : new boolean[] {true, false}) {
                Xid xid = xid();
                xa.start(xid, XAResource.TMNOFLAGS);
                c.publish(channel, "{\"first\": \"fine\"}");
                assertThrows(BusException.class, () -> c.publish(channel, "{\"poison\": true}"),
                        "the database refused the second publish");
                // the application catches the exception and commits anyway
                xa.end(xid, XAResource.TMSUCCESS);
                XAException e = assertThrows(XAException.class,
                        () -> {
                            if (onePhase) {
                                xa.commit(xid, true);
                            } else {
                                xa.prepare(xid);
                            }
                        },
                        (onePhase ? "a one-phase commit" : "a prepare") + " of a transaction the database rolled back must say so");
                assertTrue(e.errorCode >= XAException.XA_RBBASE && e.errorCode <= XAException.XA_RBEND,
                        "rolled back: " + e.errorCode);
                assertEquals(0, stored(s), "the first publish is not stored either");
                nextHandle().publish(channel, "{\"auto\": \"commit\"}");
                assertEquals(1, stored(s), "the connection is usable after");
                exec("DELETE FROM pgmq.q_" + s.queueName());
            }
        }
    }

    /** How many messages the subscription's queue holds (committed, as another session sees them). */
    private static long stored(Subscription s) throws Exception {
        return count("SELECT count(*) FROM pgmq.q_" + s.queueName());
    }

    private Subscription join(String channel) {
        return new DirectBackend(AckMode.DELETE).join(db, channel, "kept", "test", 60);
    }

    /** A queue whose table refuses a message with a "poison" key, as a failing constraint would. */
    private void poison(Subscription s) throws Exception {
        exec("CREATE OR REPLACE FUNCTION public.refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$"
                + " BEGIN IF NEW.message ? 'poison' THEN RAISE EXCEPTION 'poisoned message'; END IF; RETURN NEW; END $$");
        exec("CREATE TRIGGER refuse_poison BEFORE INSERT ON pgmq.q_" + s.queueName()
                + " FOR EACH ROW EXECUTE FUNCTION public.refuse_poison()");
    }

    private void exec(String sql) throws Exception {
        try (Statement st = db.createStatement()) {
            st.execute(sql);
        }
    }

    /**
     * Another handle on the same managed connection, as a pool hands it out for the next piece of
     * work (the handle used in a transaction refuses to publish once it is over). Not closed: this
     * connection manager destroys the managed connection when a handle closes; the test's own
     * handle does that.
     */
    private BusConnection nextHandle() throws Exception {
        return (BusConnection) bus.cm.live.get(0).getConnection(null, null);
    }

    private XAResource xaResource() throws Exception {
        return bus.cm.live.get(0).getXAResource();
    }

    private static void publishAndCommit(XAResource xa, BusConnection c, String channel, int n) throws Exception {
        Xid xid = xid();
        xa.start(xid, XAResource.TMNOFLAGS);
        c.publish(channel, "{\"n\": " + n + "}");
        xa.end(xid, XAResource.TMSUCCESS);
        xa.commit(xid, true);
    }

    private static Xid xid() {
        return new TestXid("publish-" + UUID.randomUUID());
    }

    private static boolean sameXid(Xid a, Xid b) {
        return a.getFormatId() == b.getFormatId()
                && Arrays.equals(a.getGlobalTransactionId(), b.getGlobalTransactionId())
                && Arrays.equals(a.getBranchQualifier(), b.getBranchQualifier());
    }
}
