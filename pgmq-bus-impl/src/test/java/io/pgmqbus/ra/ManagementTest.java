// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.ra.fake.RecordingEndpointFactory;
import io.pgmqbus.ra.management.SubscriptionControl;
import io.pgmqbus.ra.management.SubscriptionMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;
import javax.management.JMX;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** Each activation's numbers and controls on the platform MBean server, as an operator's JMX console sees them. */
class ManagementTest extends AdapterTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();

    private SubscriptionMXBean bean(String channel, String subscription, String activation) throws Exception {
        ObjectName name = SubscriptionControl.objectName(channel, subscription, activation);
        assertTrue(server.isRegistered(name), name + " is registered");
        return JMX.newMXBeanProxy(server, name, SubscriptionMXBean.class);
    }

    private void publish(String channel, String... payloads) throws Exception {
        try (BusConnection c = bus.factory.getConnection()) {
            for (String p : payloads) {
                c.publish(channel, p);
            }
        }
    }

    /** A bean of the application: WildFly names every activation of one adapter and listener type alike. */
    public static class BillingBean implements io.pgmqbus.api.BusMessageListener {
        @Override
        public void onMessage(io.pgmqbus.api.BusMessage message) {
        }
    }

    /** Another bean on the same subscription, under the same activation name. */
    public static class AuditBean extends BillingBean {
    }

    /** {@code endpoints} as WildFly presents it: activation name {@code name}, endpoint class {@code bean}. */
    private static jakarta.resource.spi.endpoint.MessageEndpointFactory named(RecordingEndpointFactory endpoints,
                                                                             String name, Class<?> bean) {
        return new jakarta.resource.spi.endpoint.MessageEndpointFactory() {
            public jakarta.resource.spi.endpoint.MessageEndpoint createEndpoint(javax.transaction.xa.XAResource xa)
                    throws jakarta.resource.spi.UnavailableException {
                return endpoints.createEndpoint(xa);
            }

            public jakarta.resource.spi.endpoint.MessageEndpoint createEndpoint(javax.transaction.xa.XAResource xa,
                                                                                long timeout)
                    throws jakarta.resource.spi.UnavailableException {
                return endpoints.createEndpoint(xa, timeout);
            }

            public boolean isDeliveryTransacted(java.lang.reflect.Method method) {
                return endpoints.isDeliveryTransacted(method);
            }

            public String getActivationName() {
                return name;
            }

            public Class<?> getEndpointClass() {
                return bean;
            }
        };
    }

    @Test
    void twoBeansThatTheContainerNamesAlikeEachHaveTheirBean() throws Exception {
        String channel = channel("jmx_alike");
        String wildFlysName = "app.ear#pgmq-bus-ra.rario.pgmqbus.api.BusMessageListener";
        for (Class<?> bean : java.util.List.of(BillingBean.class, AuditBean.class)) {
            bus.ra.endpointActivation(named(new RecordingEndpointFactory("unused", false, (m, d) -> { }), wildFlysName, bean),
                    bus.spec(channel, s -> s.setSubscription("billing")));
        }
        java.util.Set<ObjectName> names = server.queryNames(
                new ObjectName("pgmq.bus:type=Subscription,channel=" + ObjectName.quote(channel) + ",*"), null);
        assertEquals(2, names.size(), "one management bean per activation: " + names);
        java.util.Set<String> activations = new java.util.HashSet<>();
        for (ObjectName name : names) {
            activations.add(JMX.newMXBeanProxy(server, name, SubscriptionMXBean.class).getActivation());
        }
        assertEquals(2, activations.size(), "each names its bean: " + activations);
        assertTrue(activations.stream().anyMatch(a -> a.contains(AuditBean.class.getName())), activations::toString);
    }

    @Test
    void countersMoveWithDeliveriesFailuresRetriesAndDeadLetters() throws Exception {
        String channel = channel("jmx");
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> {
            s.setSubscription("billing");
            s.setMaxDeliveries(2);
            s.setRetryBackoffSeconds(1);
        }), false, (m, d) -> {
            if (m.getPayload().contains("bad")) {
                throw new IllegalStateException("refused " + m.getPayload());
            }
        });
        SubscriptionMXBean jmx = bean(channel, "billing", mdb.getActivationName() + " " + mdb.getEndpointClass().getName());
        assertEquals(channel, jmx.getChannel());
        assertEquals("billing", jmx.getSubscription());
        assertEquals("durable", jmx.getKind());
        assertFalse(jmx.getQueue().isEmpty());

        publish(channel, "\"good 1\"", "\"good 2\"", "\"bad 1\"");
        Await.until(WAIT, "the bad message dead-lettered", jmx::getMessagesKilled, n -> n == 1);
        assertEquals(2, jmx.getMessagesAcknowledged(), "two good ones");
        assertEquals(4, jmx.getMessagesDelivered(), "two good, the bad one twice");
        assertEquals(2, jmx.getDeliveriesFailed());
        assertEquals(1, jmx.getMessagesRetried(), "the bad one once, before its last delivery");
        Await.until(WAIT, "the database's numbers", jmx::getDeadLetterCount, n -> n == 1);
        assertEquals(0, jmx.getMessageCount(), "the queue is empty");
        assertEquals(0, jmx.getDeliveringCount());
        assertTrue(jmx.getWakeUps() + jmx.getPolls() > 0, "the reader waited");
        assertFalse(jmx.getLastRead().isEmpty());
    }

    @Test
    void pauseReadsNothingAndResumeDrainsTheBacklog() throws Exception {
        String channel = channel("jmx_pause");
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> s.setSubscription("held")), false, (m, d) -> { });
        SubscriptionMXBean jmx = bean(channel, "held", mdb.getActivationName() + " " + mdb.getEndpointClass().getName());
        publish(channel, "1");
        Await.until(WAIT, "the first delivery", () -> mdb.received.size(), n -> n == 1);

        jmx.pause();
        assertTrue(jmx.isPaused());
        Await.until(WAIT, "the reader paused", jmx::getReaderState, "PAUSED"::equals);
        publish(channel, "2", "3", "4");
        // the backlog is seen by the database's numbers while nothing is delivered
        Await.until(WAIT, "the backlog in the queue", jmx::getMessageCount, n -> n == 3);
        assertEquals(1, mdb.received.size(), "nothing delivered while paused");
        assertEquals("PAUSED", jmx.getReaderState());

        jmx.resume();
        assertFalse(jmx.isPaused());
        Await.until(WAIT, "the backlog delivered", () -> mdb.received.size(), n -> n == 4);
        Await.until(WAIT, "the queue drained", jmx::getMessageCount, n -> n == 0);
    }

    @Test
    void deactivationLeavesNoBeanBehind() throws Exception {
        String channel = channel("jmx_gone");
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> { }), false, (m, d) -> { });
        SubscriptionMXBean jmx = bean(channel, null, mdb.getActivationName() + " " + mdb.getEndpointClass().getName());
        assertEquals("ephemeral", jmx.getKind());
        assertEquals("", jmx.getSubscription());
        bus.ra.endpointDeactivation(mdb, bus.ra.activations().stream()
                .filter(a -> a.spec().getChannel().equals(channel)).findFirst().orElseThrow().spec());
        Set<ObjectName> left = server.queryNames(new ObjectName(SubscriptionControl.DOMAIN + ":*,channel=" + ObjectName.quote(channel)), null);
        assertEquals(Set.of(), left, "nothing registered for the channel after deactivation");
    }
}
