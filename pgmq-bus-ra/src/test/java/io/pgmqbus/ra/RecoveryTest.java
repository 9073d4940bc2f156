// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static io.pgmqbus.ra.AdapterFixture.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.ra.backend.AckMode;
import io.pgmqbus.ra.backend.DirectBackend;
import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.fake.TestXid;
import jakarta.resource.spi.ActivationSpec;
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
        Xid xid = new TestXid("recover-" + channel);
        XAConnection crashed = bus.ra.connections().borrow();
        XAResource branch = crashed.getXAResource();
        bus.ra.busBackend().sessionNotifications(crashed.getConnection(), false); // a prepared branch cannot have notified
        branch.start(xid, XAResource.TMNOFLAGS);
        bus.ra.busBackend().publish(crashed.getConnection(), channel, "{\"in\": \"doubt\"}", null, 0);
        branch.end(xid, XAResource.TMSUCCESS);
        assertEquals(XAResource.XA_OK, branch.prepare(xid));
        bus.ra.connections().discard(crashed); // the node dies between prepare and commit
        assertEquals(0, count("SELECT count(*) FROM pgmq.q_" + s.queueName()), "nothing visible while in doubt");

        XAResource[] resources = bus.ra.getXAResources(new ActivationSpec[0]);
        assertEquals(1, resources.length);
        Xid[] found = resources[0].recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        Xid ours = Arrays.stream(found).filter(x -> Arrays.equals(x.getGlobalTransactionId(), xid.getGlobalTransactionId()))
                .findFirst().orElse(null);
        assertTrue(ours != null, "the branch in doubt is listed for recovery");
        resources[0].commit(ours, false); // the transaction manager's log says it committed
        assertEquals(1, count("SELECT count(*) FROM pgmq.q_" + s.queueName()), "the message is delivered after recovery");
        assertEquals(0, count("SELECT count(*) FROM pg_prepared_xacts WHERE gid LIKE '%"
                + java.util.Base64.getEncoder().encodeToString(xid.getGlobalTransactionId()) + "%'"));
    }

    @Test
    void aResourceHandedToTheRecoveryManagerStaysUsableWhenItAsksAgain() throws Exception {
        // WildFly asks once per activation in a scan, and uses every answer afterwards
        XAResource first = bus.ra.getXAResources(new ActivationSpec[0])[0];
        XAResource second = bus.ra.getXAResources(new ActivationSpec[0])[0];
        first.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
        second.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN);
    }
}
