// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static io.pgmqbus.ra.AdapterFixture.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.ra.fake.RecordingEndpointFactory;
import io.pgmqbus.ra.fake.TestXid;
import io.pgmqbus.ra.inbound.PgmqBusActivationSpec;
import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

/** What keeps a long-running bus in shape: archive retention, and undeploys that cannot hang. */
class MaintenanceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static void exec(String sql) throws Exception {
        try (Connection c = TestDatabase.get().connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Test
    void archivedMessagesOlderThanTheRetentionAreDeleted() throws Exception {
        try (AdapterFixture bus = new AdapterFixture("direct", ra -> {
            ra.setHeartbeatSeconds(1);
            ra.setArchiveRetentionSeconds(3600);
            ra.setArchivePruneIntervalSeconds(1);
        })) {
            String channel = channel("retention");
            RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> s.setSubscription("kept")), false, (m, d) -> { });
            bus.publish(channel, "{\"old\": true}");
            bus.publish(channel, "{\"new\": true}");
            Subscription s = bus.ra.activations().get(0).subscription();
            Await.until(WAIT, "both archived", () -> count("SELECT count(*) FROM pgmq.a_" + s.queueName()), n -> n == 2);
            exec("UPDATE pgmq.a_" + s.queueName() + " SET archived_at = now() - interval '2 hours' WHERE message ? 'old'");
            Await.until(WAIT, "the old one pruned", () -> count("SELECT count(*) FROM pgmq.a_" + s.queueName()), n -> n == 1);
            assertEquals(1, count("SELECT count(*) FROM pgmq.a_" + s.queueName() + " WHERE message ? 'new'"));
            assertEquals(2, mdb.received.size());
        }
    }

    @Test
    void anUndeployDoesNotWaitForAnInDoubtPublishToItsChannel() throws Exception {
        try (AdapterFixture bus = new AdapterFixture("direct")) {
            String channel = channel("in_doubt");
            PgmqBusActivationSpec spec = bus.spec(channel, s -> { });
            RecordingEndpointFactory mdb = bus.activate(spec, false, (m, d) -> { });
            Xid xid = new TestXid("in-doubt-" + channel);
            try (BusConnection c = bus.factory.getConnection()) {
                XAResource xa = bus.cm.live.get(0).getXAResource();
                xa.start(xid, XAResource.TMNOFLAGS);
                c.publish(channel, "{\"in\": \"doubt\"}");
                xa.end(xid, XAResource.TMSUCCESS);
                assertEquals(XAResource.XA_OK, xa.prepare(xid)); // and the transaction manager never comes back
            }
            try {
                long start = System.nanoTime();
                assertTimeoutPreemptively(Duration.ofSeconds(15), () -> bus.ra.endpointDeactivation(mdb, spec),
                        "the undeploy waits for the in-doubt transaction");
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis < 8_000, "the undeploy took " + millis + " ms");
            } finally {
                exec("ROLLBACK PREPARED '" + xid.getFormatId() + "_"
                        + Base64.getEncoder().encodeToString(xid.getGlobalTransactionId()) + "_"
                        + Base64.getEncoder().encodeToString(xid.getBranchQualifier()) + "'");
            }
        }
    }
}
