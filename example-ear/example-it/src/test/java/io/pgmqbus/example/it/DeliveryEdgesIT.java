// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusConnectionFactory;
import io.pgmqbus.example.Receipt;
import io.pgmqbus.example.Receipts;
import io.pgmqbus.example.it.edges.Observations;
import io.pgmqbus.example.it.edges.PublishWatcher;
import io.pgmqbus.example.it.edges.SlowPublisher;
import io.pgmqbus.example.it.edges.TimeoutAckListener;
import io.pgmqbus.example.it.edges.TypedOneListener;
import io.pgmqbus.example.it.edges.clash.TypedTwoListener;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import javax.management.Attribute;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Delivery guarantees at the edges: a transaction that times out under a delivery or a publish,
 * two activations of one durable subscription in one adapter, and a subscription's type filter.
 * The example EAR with the beans of package {@code edges} is deployed for the whole class; the
 * twin EAR (a bean bound to that EAR's adapter, WildFly only) and the clash EAR (its own copy of
 * the adapter, both servers) are deployed by the tests themselves.
 */
@ExtendWith(ArquillianExtension.class)
class DeliveryEdgesIT {
    private static final String CLASH = "edges-clash";

    @Deployment
    static EnterpriseArchive deployment() {
        return Deployments.exampleWithEdges(DeliveryEdgesIT.class, Deployments.class);
    }

    @Deployment(name = CLASH, managed = false, testable = false)
    static EnterpriseArchive clash() {
        return Deployments.ownAdapterWith(CLASH, TypedTwoListener.class);
    }

    @ArquillianResource
    private Deployer deployer;

    @EJB(lookup = "java:app/example-ejb/Receipts")
    private Receipts receipts;

    @EJB(lookup = "java:app/" + Deployments.EDGES_MODULE + "/Observations")
    private Observations observations;

    @EJB(lookup = "java:app/" + Deployments.EDGES_MODULE + "/SlowPublisher")
    private SlowPublisher slowPublisher;

    @Resource(lookup = "java:app/eis/pgmq-bus")
    private BusConnectionFactory bus;

    static String marker() {
        return UUID.randomUUID().toString();
    }

    /**
     * The queue of a subscription: the durable one of that name, or the channel's newest ephemeral
     * one (this deployment's; a server killed in an earlier execution leaves its own until it is reaped).
     */
    static String queueOf(String channel, String subscription) throws SQLException {
        String queue = subscription == null
                ? BusDatabase.single("SELECT queue_name FROM pgmq_bus.subscription WHERE channel = ? AND kind = 'ephemeral'"
                        + " ORDER BY created_at DESC LIMIT 1", channel)
                : BusDatabase.single("SELECT queue_name FROM pgmq_bus.subscription WHERE channel = ? AND subscription_name = ?",
                        channel, subscription);
        assertTrue(queue != null, "subscription " + subscription + " of channel " + channel + " is registered");
        return queue;
    }

    /** How many rows of {@code pgmq.<table>} carry {@code value} under top-level key {@code key}. */
    private static int rows(String table, String key, String value) throws SQLException {
        return Integer.parseInt(BusDatabase.single("SELECT count(*) FROM pgmq." + table + " WHERE message->>'" + key + "' = ?",
                value));
    }

    /** Waits up to {@code millis} until the message is acknowledged (archived, off the queue); returns whether it was. */
    static boolean awaitAcknowledged(String queue, String key, String value, long millis) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMillis(millis).toNanos();
        while (!(rows("a_" + queue, key, value) == 1 && rows("q_" + queue, key, value) == 0)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** Publishes as any PGMQ client can (the bus's SQL API), from the test JVM. */
    static void publishBySql(String channel, String json) throws SQLException {
        BusDatabase.single("SELECT count(*) FROM pgmq_bus.publish(?, ?::jsonb)", channel, json);
    }

    /**
     * WildFly begins an adapter's delivery transaction in {@code MessageEndpoint.beforeDelivery} with
     * the transaction manager's default timeout (a bean's {@code @TransactionTimeout} does not apply
     * there): until the returned handle is closed, that default is {@code seconds}, through the
     * transactions subsystem's management attribute in the platform MBean server. Nothing to do
     * elsewhere (Payara honours the bean's {@code cmt-timeout-in-seconds}).
     */
    private static AutoCloseable defaultTransactionTimeout(int seconds) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName transactions = new ObjectName("jboss.as:subsystem=transactions");
        if (!server.isRegistered(transactions)) {
            return () -> { };
        }
        Object before = server.getAttribute(transactions, "defaultTimeout");
        server.setAttribute(transactions, new Attribute("defaultTimeout", seconds));
        return () -> server.setAttribute(transactions, new Attribute("defaultTimeout", before));
    }

    /**
     * The first delivery outlives its transaction's timeout and then returns normally: the container
     * rolled that transaction back (or marked it so) meanwhile, so the acknowledgement made in it
     * must not stand on its own. The message comes back, is delivered a second time, and is then
     * acknowledged once.
     */
    @Test
    void aDeliveryWhoseTransactionTimedOutIsDeliveredAgainAndAcknowledgedOnce() throws Exception {
        String m = marker();
        List<String> started;
        try (AutoCloseable timeout = defaultTransactionTimeout(TimeoutAckListener.TIMEOUT_SECONDS)) {
            try (BusConnection c = bus.getConnection()) {
                c.publish(TimeoutAckListener.CHANNEL, "{\"timeoutAck\": \"" + m + "\"}");
            }
            started = observations.await(o -> o.contains(m) && o.endsWith(TimeoutAckListener.STARTED), 1, 20_000);
        }
        assertEquals(1, started.size(), "the first delivery started");
        List<String> outlived = observations.await(o -> o.contains(m) && o.contains(TimeoutAckListener.RETURNS), 1,
                TimeoutAckListener.OUTLIVE_MAX_MS + 10_000);
        assertEquals(1, outlived.size(), "the first delivery returned");
        assertTrue(!outlived.get(0).contains("still ACTIVE"),
                "the container timed the first delivery's transaction out (else this test injected no fault): " + outlived);
        List<Receipt> got = receipts.await(r -> r.bean().equals(TimeoutAckListener.BEAN) && r.payload().contains(m), 2, 20_000);
        assertEquals(List.of(1, 2), got.stream().map(Receipt::deliveryCount).toList(),
                "deliveries of a message whose first delivery outlived its transaction; the bean saw " + outlived);
        String queue = queueOf(TimeoutAckListener.CHANNEL, null);
        assertTrue(awaitAcknowledged(queue, "timeoutAck", m, 10_000),
                "acknowledged after the second delivery (archived, off the queue): archive rows "
                        + rows("a_" + queue, "timeoutAck", m) + ", queue rows " + rows("q_" + queue, "timeoutAck", m));
        assertEquals(2, receipts.all().stream().filter(r -> r.payload().contains(m)).count(), "no third delivery");
    }

    /**
     * A publish on a connection taken in a transaction that then timed out must fail with a
     * {@code BusException} and leave nothing behind: no copy in the durable subscriber's queue (nor
     * its archive), no delivery.
     */
    @Test
    void aPublishAfterTheTransactionTimedOutFailsAndStoresNothing() throws Exception {
        String m = marker();
        String completion = "returned";
        try {
            slowPublisher.publishAfterTimeout(PublishWatcher.CHANNEL, m);
        } catch (EJBException e) {
            completion = "threw " + e; // the container cannot commit the timed-out transaction
        }
        List<String> outcome = observations.await(o -> o.contains(m), 1, 1_000);
        assertEquals(1, outcome.size(), "the publisher recorded what happened; its call " + completion);
        String what = outcome.get(0) + "; the call then " + completion;
        assertTrue(!what.contains("still ACTIVE"), "the container timed the publisher's transaction out (else this test"
                + " injected no fault): " + what);
        List<Receipt> delivered = receipts.await(r -> r.bean().equals(PublishWatcher.BEAN) && r.payload().contains(m), 1, 5_000);
        String queue = queueOf(PublishWatcher.CHANNEL, PublishWatcher.SUBSCRIPTION);
        int queued = rows("q_" + queue, "late", m);
        int archived = rows("a_" + queue, "late", m);
        assertAll(
                () -> assertTrue(outcome.get(0).contains(": BusException from publish"), "the publish must throw BusException: " + what),
                () -> assertEquals(List.of(), delivered, "nothing delivered to the durable subscriber: " + what),
                () -> assertEquals(0, queued + archived, "nothing stored in queue " + queue + " (" + queued
                        + " queued, " + archived + " archived): " + what));
    }

    /**
     * A durable subscription's queue holds what its filter lets through, so the filter belongs to the
     * subscription (it is kept in the database's registry): a bean joining it with another filter
     * must fail to deploy, even from another EAR with its own copy of the adapter, with both filters
     * named in the deployment's error (WildFly) or the server's log (Payara tells the deployer only
     * "EJB Container initialization error").
     */
    @Test
    @RunAsClient
    void joiningADurableSubscriptionWithAnotherTypeFilterFailsTheDeployment() throws Exception {
        queueOf(TypedOneListener.CHANNEL, TypedOneListener.SUBSCRIPTION);
        Path log = Path.of(System.getProperty("server.log"));
        long mark = Files.exists(log) ? Files.size(log) : 0;
        Exception failure = null;
        try {
            deployer.deploy(CLASH);
        } catch (Exception e) {
            failure = e;
        }
        if (failure == null) {
            deployer.undeploy(CLASH);
            fail("a bean joined durable subscription '" + TypedOneListener.SUBSCRIPTION + "' of channel '"
                    + TypedOneListener.CHANNEL + "' (messageTypes " + TypedOneListener.TYPES
                    + ") with messageTypes a.two: its deployment succeeded");
        }
        String reported = failure + (failure.getCause() == null ? "" : failure.getCause().toString());
        // the adapter's reason, naming both filters (the database registry's check)
        String reason = "durable subscription '" + TypedOneListener.SUBSCRIPTION + "' of channel '" + TypedOneListener.CHANNEL
                + "' receives message types [" + TypedOneListener.TYPES + "]; this member asks for [a.two]";
        String text = reported;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!text.contains(reason) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            text = reported + ServerLog.since(log, mark);
        }
        assertTrue(text.contains(reason), "\"" + reason + "\" not in the deployment error nor the server log: " + reported);
    }
}
