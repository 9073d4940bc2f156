// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static io.pgmqbus.ra.AdapterFixture.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusException;
import io.pgmqbus.api.BusMessage;
import io.pgmqbus.ra.backend.AckMode;
import io.pgmqbus.ra.backend.DirectBackend;
import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.ra.fake.Notified;
import io.pgmqbus.ra.fake.RecordingEndpointFactory;
import io.pgmqbus.ra.fake.TestXid;
import java.sql.Statement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.junit.jupiter.api.Test;

/**
 * Acknowledgements and publishes belong to their transaction: after a transaction manager rolled a
 * branch back from another thread (a timeout), nothing commits on its own.
 */
class TransactionEdgesTest extends AdapterTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Ends and rolls the branch back from another thread, as a transaction reaper does. */
    private static void reap(XAResource xa, Xid xid) throws InterruptedException {
        Thread reaper = new Thread(() -> {
            try {
                xa.end(xid, XAResource.TMFAIL);
                xa.rollback(xid);
            } catch (XAException e) {
                throw new IllegalStateException(e);
            }
        });
        reaper.start();
        reaper.join(10_000);
    }

    @Test
    void anAcknowledgementNeverCommitsAfterTheDeliveryTransactionTimedOut() throws Exception {
        String channel = channel("timeout_in");
        AtomicInteger calls = new AtomicInteger();
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> s.setRetryBackoffSeconds(1)), true, (m, d) -> {
            if (calls.incrementAndGet() == 1) {
                d.timeOut(); // the bean outlives its transaction, then returns normally
            }
        });
        bus.publish(channel, "{\"n\": 1}");
        Await.until(WAIT, "the delivery after the timed-out one", () -> mdb.received.size(), n -> n == 2);
        assertEquals(List.of(1, 2), mdb.received.stream().map(BusMessage::getDeliveryCount).toList(),
                "the rolled-back delivery left the message to come back");
        Subscription s = bus.ra.activations().get(0).subscription();
        Await.until(WAIT, "the second delivery's acknowledgement",
                () -> count("SELECT count(*) FROM pgmq.a_" + s.queueName()), n -> n == 1);
        assertEquals(0, count("SELECT count(*) FROM pgmq.q_" + s.queueName()));
    }

    @Test
    void aPublishAfterTheCallersTransactionTimedOutThrowsAndStoresNothing() throws Exception {
        String channel = channel("timeout_out");
        Subscription s = new DirectBackend(AckMode.ARCHIVE).join(db, channel, "kept", "test", 60);
        try (BusConnection c = bus.factory.getConnection()) {
            XAResource xa = bus.cm.live.get(0).getXAResource();
            Xid xid = new TestXid("timeout-" + channel);
            xa.start(xid, XAResource.TMNOFLAGS);
            c.publish(channel, "{\"in\": \"the branch\"}");
            reap(xa, xid);
            BusException e = assertThrows(BusException.class, () -> c.publish(channel, "{\"after\": \"the rollback\"}"));
            assertTrue(e.getMessage().contains("rolled back"), e.getMessage());
        }
        assertEquals(0, count("SELECT count(*) FROM pgmq.q_" + s.queueName()), "neither publish is stored");
        try (BusConnection c = bus.factory.getConnection()) {
            c.publish(channel, "{\"a new\": \"connection\"}");
        }
        assertEquals(1, count("SELECT count(*) FROM pgmq.q_" + s.queueName()), "a new connection publishes");
    }

    @Test
    void afterAFailedCommitAnAutoCommitPublishWakesReadersAgain() throws Exception {
        String channel = channel("failed_commit");
        Subscription s = new DirectBackend(AckMode.ARCHIVE).join(db, channel, null, "test", 60);
        try (Statement st = db.createStatement()) {
            st.execute("LISTEN pgmq_bus");
        }
        try (BusConnection c = bus.factory.getConnection()) {
            XAResource xa = bus.cm.live.get(0).getXAResource();
            Xid xid = new TestXid("failing-" + channel);
            xa.start(xid, XAResource.TMNOFLAGS);
            c.publish(channel, "{\"n\": 1}");
            xa.end(xid, XAResource.TMSUCCESS);
            assertEquals(XAResource.XA_OK, xa.prepare(xid));
            String gid = xid.getFormatId() + "_" + Base64.getEncoder().encodeToString(xid.getGlobalTransactionId())
                    + "_" + Base64.getEncoder().encodeToString(xid.getBranchQualifier());
            try (Statement st = db.createStatement()) {
                st.execute("ROLLBACK PREPARED '" + gid + "'"); // another party resolved it: the commit fails
            }
            assertThrows(XAException.class, () -> xa.commit(xid, false), "the prepared branch is gone");
            Notified.queues(db, 50); // drop anything seen so far
            c.publish(channel, "{\"n\": 2}");
            List<String> woken = Await.until(Duration.ofSeconds(5), "the wake-up of the auto-commit publish",
                    () -> Notified.queues(db, 100), n -> !n.isEmpty());
            assertEquals(List.of(s.queueName()), woken);
        }
    }
}
