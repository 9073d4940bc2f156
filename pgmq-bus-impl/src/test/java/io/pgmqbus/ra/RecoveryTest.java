// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static io.pgmqbus.ra.AdapterFixture.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.pgmqbus.ra.backend.AckMode;
import io.pgmqbus.ra.backend.DirectBackend;
import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.fake.TestXid;
import io.pgmqbus.ra.outbound.PgmqBusManagedConnectionFactory;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.ManagedConnection;
import java.lang.reflect.Method;
import java.util.Arrays;
import javax.sql.XAConnection;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

/** What the container's recovery manager gets from the adapter to resolve branches left in doubt. */
class RecoveryTest extends AdapterTest {

    @Test
    void getXAResourcesLetsTheContainerCommitABranchLeftPrepared() throws Exception {
        String channel = channel("in_doubt");
        Subscription s = new DirectBackend(AckMode.ARCHIVE).join(db, channel, "kept", "test", 60);
        Xid xid = prepareAndDie(channel);
        assertEquals(0, count("SELECT count(*) FROM pgmq.q_" + s.queueName()), "nothing visible while in doubt");

        XAResource[] resources = bus.ra.getXAResources(new ActivationSpec[0]);
        assertEquals(1, resources.length);
        resources[0].commit(listed(resources[0], xid), false); // the transaction manager's log says it committed
        assertEquals(1, count("SELECT count(*) FROM pgmq.q_" + s.queueName()), "the message is delivered after recovery");
        assertEquals(0, prepared(xid));
    }

    /**
     * IronJacamar's outbound recovery (WildFly) opens a handle on its recovery connection before each
     * scan, asks it {@code isValid(int)} by reflection, and destroys the connection unless the answer
     * is true: which closed the resource the transaction manager still held from the scan before, so
     * in-doubt publishes were never committed (ARJUNA016036, "This connection has been closed").
     */
    @Test
    void theContainersRecoveryCheckFindsAnOpenOutboundConnectionValid() throws Exception {
        ManagedConnection mc = outboundConnection();
        Object handle = mc.getConnection(null, null);
        Method isValid = handle.getClass().getMethod("isValid", int.class);
        isValid.setAccessible(true);
        assertEquals(Boolean.TRUE, isValid.invoke(handle, 5));
        mc.destroy();
        assertEquals(Boolean.FALSE, isValid.invoke(handle, 5), "a destroyed connection is not valid");
    }

    @Test
    void anOutboundResourceWhoseConnectionIsGoneStillResolvesBranchesLeftPrepared() throws Exception {
        String channel = channel("in_doubt");
        Subscription s = new DirectBackend(AckMode.ARCHIVE).join(db, channel, "kept", "test", 60);
        Xid committed = prepareAndDie(channel);
        Xid rolledBack = prepareAndDie(channel);
        ManagedConnection mc = outboundConnection();
        XAResource fromAnEarlierScan = mc.getXAResource();
        mc.destroy();

        fromAnEarlierScan.commit(listed(fromAnEarlierScan, committed), false);
        fromAnEarlierScan.rollback(listed(fromAnEarlierScan, rolledBack));
        assertEquals(1, count("SELECT count(*) FROM pgmq.q_" + s.queueName()), "the committed branch is delivered");
        assertEquals(0, prepared(committed) + prepared(rolledBack), "nothing left in doubt");
    }

    @Test
    void aRecoveryResourceOutlivesItsDatabaseConnection() throws Exception {
        String channel = channel("in_doubt");
        Subscription s = new DirectBackend(AckMode.ARCHIVE).join(db, channel, "kept", "test", 60);
        XAResource fromAnEarlierScan = bus.ra.getXAResources(new ActivationSpec[0])[0];
        fromAnEarlierScan.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        Xid xid = prepareAndDie(channel);
        // the database restarts: every connection the adapter had is cut
        try (var st = db.createStatement()) {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
                    + " AND datname = current_database() AND backend_type = 'client backend'");
        }
        fromAnEarlierScan.commit(listed(fromAnEarlierScan, xid), false);
        assertEquals(1, count("SELECT count(*) FROM pgmq.q_" + s.queueName()), "the message is delivered after recovery");
        assertEquals(0, prepared(xid));
    }

    @Test
    void aResourceHandedToTheRecoveryManagerStaysUsableWhenItAsksAgain() throws Exception {
        // WildFly asks once per activation in a scan, and uses every answer afterwards
        XAResource first = bus.ra.getXAResources(new ActivationSpec[0])[0];
        XAResource second = bus.ra.getXAResources(new ActivationSpec[0])[0];
        first.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        second.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
    }

    /** Publishes to {@code channel} in a branch that is prepared, and then its node dies. */
    private Xid prepareAndDie(String channel) throws Exception {
        Xid xid = new TestXid("recover-" + java.util.UUID.randomUUID());
        XAConnection crashed = bus.ra.connections().borrow();
        XAResource branch = crashed.getXAResource();
        bus.ra.busBackend().sessionNotifications(crashed.getConnection(), false); // a prepared branch cannot have notified
        branch.start(xid, XAResource.TMNOFLAGS);
        bus.ra.busBackend().publish(crashed.getConnection(), channel, "{\"in\": \"doubt\"}", null, 0);
        branch.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, branch.prepare(xid));
        bus.ra.connections().discard(crashed);
        assertEquals(1, prepared(xid));
        return xid;
    }

    /** The branch of {@code xid} as the resource lists it for recovery. */
    private static Xid listed(XAResource resource, Xid xid) throws Exception {
        Xid[] found = resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        Xid ours = Arrays.stream(found).filter(x -> Arrays.equals(x.getGlobalTransactionId(), xid.getGlobalTransactionId()))
                .findFirst().orElse(null);
        assertNotNull(ours, "the branch in doubt is listed for recovery");
        return ours;
    }

    private static long prepared(Xid xid) throws Exception {
        return count("SELECT count(*) FROM pg_prepared_xacts WHERE gid LIKE '%"
                + java.util.Base64.getEncoder().encodeToString(xid.getGlobalTransactionId()) + "%'");
    }

    private ManagedConnection outboundConnection() throws Exception {
        PgmqBusManagedConnectionFactory mcf = new PgmqBusManagedConnectionFactory();
        mcf.setResourceAdapter(bus.ra);
        return mcf.createManagedConnection(null, null);
    }
}
