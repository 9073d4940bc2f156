// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusConnectionFactory;
import io.pgmqbus.example.Order;
import io.pgmqbus.example.OrderService;
import io.pgmqbus.example.Receipt;
import io.pgmqbus.example.Receipts;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import javax.management.ObjectName;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs inside the server, next to the example application and the test beans. */
@ExtendWith(ArquillianExtension.class)
class ExampleOnServerIT {
    private static final long WAIT_MS = 30_000;

    @Deployment
    static EnterpriseArchive deployment() {
        return Deployments.exampleWithTests(ExampleOnServerIT.class, Deployments.class);
    }

    // Portable names (java:app/<module>/<bean>): Arquillian's EJB enricher guesses names only for
    // an application called "test"; WildFly injects a plain @EJB anyway, Payara does not.
    @EJB(lookup = "java:app/example-ejb/Receipts")
    private Receipts receipts;

    @EJB(lookup = "java:app/example-ejb/OrderService")
    private OrderService orders;

    @Resource(lookup = "java:app/eis/pgmq-bus")
    private BusConnectionFactory bus;

    private static String marker() {
        return UUID.randomUUID().toString();
    }

    private List<Receipt> await(String bean, Predicate<Receipt> matching, int count) throws InterruptedException {
        return receipts.await(r -> r.bean().equals(bean) && matching.test(r), count, WAIT_MS);
    }

    private void publish(String channel, String payload) {
        try (BusConnection c = bus.getConnection()) {
            c.publish(channel, payload);
        }
    }

    @Test
    void aPlacedOrderReachesEveryEphemeralSubscriberWithTypeHeadersAndPayload() throws Exception {
        String item = "book-" + marker();
        long id = orders.place(new Order(item, 2), false);
        String orderId = String.valueOf(id);
        for (String bean : List.of("orders", "audit")) {
            List<Receipt> got = await(bean, r -> orderId.equals(r.orderId()), 1);
            assertEquals(1, got.size(), bean + " got the order");
            assertEquals("order.placed", got.get(0).type());
            assertEquals("orders", got.get(0).channel());
            assertTrue(got.get(0).payload().contains(item), got.get(0).payload());
            assertEquals(1, got.get(0).deliveryCount());
        }
        assertEquals(1, orders.stored(id), "the order's own row committed with the publish");
    }

    /**
     * The durable subscription's queue (and the example's tables) are shared with every earlier
     * execution against the same database, and the queue may hold earlier executions' orders: a
     * receipt is this test's by its marker, not by its order id.
     */
    @Test
    void aDurableSubscriptionDeliversEachMessageOnceBetweenItsMembers() throws Exception {
        String m = marker();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 6; i++) {
            ids.add(String.valueOf(orders.place(new Order("durable-" + m + "-" + i, 1), false)));
        }
        Predicate<Receipt> ours = r -> (r.bean().equals("billing") || r.bean().equals("billing-twin")) && r.payload().contains(m);
        List<Receipt> got = receipts.await(ours, 6, WAIT_MS);
        assertEquals(6, got.size());
        assertEquals(ids, new HashSet<>(got.stream().map(Receipt::orderId).toList()), "each order billed exactly once");
    }

    @Test
    void aRolledBackPublishDeliversNothingAndACommittedOneDeliversOnce() throws Exception {
        String rolledBack = "rolled-back-" + marker();
        assertThrows(EJBException.class, () -> orders.place(new Order(rolledBack, 1), true));
        String committed = "committed-" + marker();
        long id = orders.place(new Order(committed, 1), false);
        for (String bean : List.of("orders", "audit")) {
            assertEquals(1, await(bean, r -> r.payload().contains(committed), 1).size(), bean);
        }
        assertEquals(1, receipts.await(r -> r.payload().contains(committed) && r.bean().startsWith("billing"), 1, WAIT_MS).size());
        assertEquals(List.of(), receipts.all().stream().filter(r -> r.payload().contains(rolledBack)).toList(),
                "nothing of the rolled-back order was delivered");
        assertEquals(1, orders.stored(id));
        assertEquals(1, receipts.all().stream().filter(r -> r.bean().equals("orders") && r.payload().contains(committed)).count());
    }

    @Test
    void aListenerThatThrowsTwiceGetsTheMessageAThirdTime() throws Exception {
        String m = marker();
        publish("flaky", "{\"flaky\": \"" + m + "\"}");
        List<Receipt> got = await("flaky", r -> r.payload().contains(m), 3);
        assertEquals(List.of(1, 2, 3), got.stream().map(Receipt::deliveryCount).toList());
    }

    @Test
    void aPoisonMessageGoesToTheDeadLetterChannelAndLaterMessagesStillArrive() throws Exception {
        String m = marker();
        publish("poison", "{\"poison\": \"" + m + "\"}");
        List<Receipt> dead = receipts.await(r -> r.bean().startsWith("dead:") && r.payload().contains(m), 1, WAIT_MS);
        assertEquals(1, dead.size());
        assertTrue(dead.get(0).bean().contains("cannot digest"), "the failure is recorded: " + dead.get(0).bean());
        assertEquals(2, receipts.all().stream().filter(r -> r.bean().equals("poison") && r.payload().contains(m)).count(),
                "delivered maxDeliveries (2) times");
        String fine = marker();
        publish("poison", "{\"fine\": \"" + fine + "\"}");
        assertEquals(1, await("poison", r -> r.payload().contains(fine), 1).size());
    }

    @Test
    void aRollbackOnlyDeliveryTransactionGetsTheMessageAgain() throws Exception {
        String m = marker();
        publish("rollback", "{\"rb\": \"" + m + "\"}");
        List<Receipt> got = await("rollback", r -> r.payload().contains(m), 2);
        assertEquals(List.of(1, 2), got.stream().map(Receipt::deliveryCount).toList());
    }

    @Test
    void aPlainPgmqSendToADurableSubscriptionsQueueIsDelivered() throws Exception {
        String m = marker();
        try (Connection c = BusDatabase.connect()) {
            String queue;
            try (PreparedStatement ps = c.prepareStatement("SELECT queue_name FROM pgmq_bus.subscription"
                    + " WHERE channel = 'work' AND subscription_name = 'jobs'"); ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "the durable subscription is registered");
                queue = rs.getString(1);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT pgmq.send(?, ?::jsonb)")) {
                ps.setString(1, queue);
                ps.setString(2, "{\"plain\": \"" + m + "\"}");
                ps.executeQuery().close();
            }
        }
        List<Receipt> got = await("work", r -> r.payload().contains(m), 1);
        assertEquals(1, got.size());
        assertEquals(null, got.get(0).type(), "a plain send has no headers");
    }

    @Test
    void aBatchListenerBeanGetsSeveralMessagesPerCall() throws Exception {
        String marker = marker();
        List<String> payloads = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            payloads.add("{\"marker\": \"" + marker + "\", \"i\": " + i + "}");
        }
        try (BusConnection c = bus.getConnection()) {
            c.publishBatch("batch.it", payloads);
        }
        List<Receipt> got = receipts.await(r -> r.bean().startsWith("batch-of-") && r.payload().contains(marker), 12, WAIT_MS);
        assertEquals(12, got.size(), "every message, once");
        assertEquals(12, got.stream().map(Receipt::payload).distinct().count());
        assertTrue(got.stream().anyMatch(r -> !r.bean().equals("batch-of-1")), "several messages per call: "
                + got.stream().map(Receipt::bean).distinct().toList());
    }

    /** The management bean of the activation on {@code channel} (one per channel in this deployment), as a JMX console finds it. */
    private static ObjectName managementBean(String channel) throws Exception {
        Set<ObjectName> names = ManagementFactory.getPlatformMBeanServer().queryNames(
                new ObjectName("pgmq.bus:type=Subscription,channel=" + ObjectName.quote(channel) + ",*"), null);
        assertEquals(1, names.size(), () -> "one bean for channel " + channel + ": " + names);
        return names.iterator().next();
    }

    private static long attribute(ObjectName bean, String name) throws Exception {
        return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(bean, name)).longValue();
    }

    @Test
    void theManagementBeanCountsDeliveriesFailuresAndRetries() throws Exception {
        ObjectName bean = managementBean("flaky");
        long delivered = attribute(bean, "MessagesDelivered");
        long failed = attribute(bean, "DeliveriesFailed");
        long retried = attribute(bean, "MessagesRetried");
        long acknowledged = attribute(bean, "MessagesAcknowledged");
        String m = marker();
        publish("flaky", "{\"flaky\": \"" + m + "\"}");
        await("flaky", r -> r.payload().contains(m), 3);
        long deadline = System.currentTimeMillis() + WAIT_MS;
        while (attribute(bean, "MessagesAcknowledged") < acknowledged + 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        // other tests of this class may deliver to the same bean meanwhile: at least, not exactly
        assertTrue(attribute(bean, "MessagesAcknowledged") >= acknowledged + 1, "acknowledged after the third delivery");
        assertTrue(attribute(bean, "MessagesDelivered") >= delivered + 3, "three deliveries");
        assertTrue(attribute(bean, "DeliveriesFailed") >= failed + 2, "two failed");
        assertTrue(attribute(bean, "MessagesRetried") >= retried + 2, "two retried");
        assertEquals("ephemeral", ManagementFactory.getPlatformMBeanServer().getAttribute(bean, "Kind"));
    }

    @Test
    void pausingAnActivationStopsItsDeliveriesAndResumingDrainsTheBacklog() throws Exception {
        ObjectName bean = managementBean("work");
        var server = ManagementFactory.getPlatformMBeanServer();
        String m = marker();
        server.invoke(bean, "pause", null, null);
        try {
            assertEquals(Boolean.TRUE, server.getAttribute(bean, "Paused"));
            long deadline = System.currentTimeMillis() + WAIT_MS;
            while (!"PAUSED".equals(server.getAttribute(bean, "ReaderState")) && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals("PAUSED", server.getAttribute(bean, "ReaderState"));
            for (int i = 0; i < 3; i++) {
                publish("work", "{\"work\": \"" + m + "\"}");
            }
            // the backlog is in the queue (the database's number) and nothing of it is delivered
            while (attribute(bean, "MessageCount") < 3 && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(attribute(bean, "MessageCount") >= 3, "the backlog waits in the queue");
            assertEquals(List.of(), receipts.all().stream().filter(r -> r.payload().contains(m)).toList(),
                    "nothing delivered while paused");
        } finally {
            server.invoke(bean, "resume", null, null);
        }
        assertEquals(Boolean.FALSE, server.getAttribute(bean, "Paused"));
        assertEquals(3, await("work", r -> r.payload().contains(m), 3).size(), "the backlog is delivered after resume");
    }
}
