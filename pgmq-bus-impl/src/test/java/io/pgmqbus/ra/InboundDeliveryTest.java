// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusMessage;
import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.ra.fake.RecordingEndpointFactory;
import io.pgmqbus.ra.inbound.Activation;
import io.pgmqbus.ra.inbound.PgmqBusActivationSpec;
import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The adapter's inbound side with fake JCA contracts around it and the real PostgreSQL under it. */
class InboundDeliveryTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private AdapterFixture bus;

    /** The payload type of these tests, mapped with JSON-B. */
    public static class Order {
        public String item;
        public int quantity;
    }

    @BeforeEach
    void start() throws Exception {
        bus = new AdapterFixture("direct");
    }

    @AfterEach
    void stop() throws Exception {
        bus.close();
    }

    private static long count(String sql) throws Exception {
        try (Connection c = TestDatabase.get().connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Subscription subscriptionOf(String channel) {
        return bus.ra.activations().stream().filter(a -> a.spec().getChannel().equals(channel))
                .map(Activation::subscription).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "isolated"})
    void deliversPayloadTypeAndHeadersAndMapsThePayloadBack(String backend) throws Exception {
        bus.close();
        bus = new AdapterFixture(backend);
        String channel = channel("orders");
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> { }), false, (m, d) -> { });
        Order order = new Order();
        order.item = "book";
        order.quantity = 3;
        try (BusConnection c = bus.factory.getConnection()) {
            c.publish(channel, "order.created", order, Map.of("tenant", "acme"), null);
        }
        Await.until(WAIT, "the delivery", () -> mdb.received.size(), n -> n == 1);
        BusMessage m = mdb.received.get(0);
        assertEquals(channel, m.getChannel());
        assertEquals("order.created", m.getType());
        assertEquals("acme", m.getHeader("tenant"));
        assertEquals(channel, m.getHeader("channel"));
        assertEquals(1, m.getDeliveryCount());
        Order back = m.payloadAs(Order.class);
        assertEquals("book", back.item);
        assertEquals(3, back.quantity);
        Await.until(WAIT, "the pairing of before/afterDelivery", () -> mdb.after.get(), n -> n == 1);
        assertEquals(mdb.before.get(), mdb.after.get());
    }

    @Test
    void aWakeUpDeliversLongBeforeThePollFallback() throws Exception {
        String channel = channel("wake");
        CountDownLatch got = new CountDownLatch(1);
        bus.activate(bus.spec(channel, s -> s.setMaxPollSeconds(60)), false, (m, d) -> got.countDown());
        Subscription s = subscriptionOf(channel);
        Await.until(WAIT, "the reader waiting", () -> count("SELECT count(*) FROM pgmq_bus.subscription WHERE queue_name = '"
                + s.queueName() + "'"), n -> n == 1);
        bus.publish(channel, "{\"n\": 1}");
        assertTrue(got.await(10, TimeUnit.SECONDS), "delivered by the notification, not the 60 s poll");
    }

    @Test
    void withNotificationsOffOnlyThePollIntervalWakesTheReader() throws Exception {
        String woken = channel("woken");
        String polling = channel("polling");
        CountDownLatch got = new CountDownLatch(1);
        bus.activate(bus.spec(woken, s -> { }), false, (m, d) -> { });
        bus.activate(bus.spec(polling, s -> {
            s.setNotifications(false);
            s.setPollIntervalMs(200);
        }), false, (m, d) -> got.countDown());
        assertTrue(bus.ra.wakeUps().wakes(subscriptionOf(woken).queueName()));
        assertFalse(bus.ra.wakeUps().wakes(subscriptionOf(polling).queueName()),
                "a reader with notifications off must not be woken by them");
        bus.publish(polling, "{\"n\": 1}");
        assertTrue(got.await(10, TimeUnit.SECONDS), "delivered by polling");
    }

    @Test
    void messagesReadAheadOfABusySessionAreHandedBackWhenTheActivationStops() throws Exception {
        String channel = channel("ahead");
        CountDownLatch proceed = new CountDownLatch(1);
        PgmqBusActivationSpec spec = bus.spec(channel, s -> {
            s.setSubscription("worker");
            s.setMaxSessions(1);
        });
        RecordingEndpointFactory mdb = bus.activate(spec, false, (m, d) -> {
            try {
                assertTrue(proceed.await(20, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        String queue = subscriptionOf(channel).queueName();
        try (BusConnection c = bus.factory.getConnection()) {
            c.publishBatch(channel, List.of("{\"n\": 1}", "{\"n\": 2}", "{\"n\": 3}", "{\"n\": 4}", "{\"n\": 5}"));
        }
        Await.until(WAIT, "the first delivery", () -> mdb.received.size(), n -> n == 1);
        assertEquals(0, count("SELECT count(*) FROM pgmq.q_" + queue + " WHERE vt <= clock_timestamp()"),
                "one read took all five: one in delivery, four waiting for the session");

        Thread stopper = new Thread(() -> bus.ra.endpointDeactivation(mdb, spec));
        stopper.start();
        // removed from the adapter and waiting (with a time limit) for the delivery: the stop has begun
        Await.until(WAIT, "the deactivation waiting for the delivery",
                () -> bus.ra.activations().isEmpty() && stopper.getState() == Thread.State.TIMED_WAITING, done -> done);
        proceed.countDown();
        stopper.join(30_000);
        assertFalse(stopper.isAlive(), "deactivation ended");
        assertEquals(1, mdb.received.size(), "nothing delivered after the stop began");
        assertEquals(4, count("SELECT count(*) FROM pgmq.q_" + queue + " WHERE vt <= clock_timestamp()"),
                "the four read ahead are visible again at once, not after the 30 s visibility timeout");
        assertEquals(4, count("SELECT count(*) FROM pgmq.q_" + queue), "the delivered one was acknowledged");
    }

    @Test
    void redeliversAfterTheListenerThrowsUntilItSucceeds() throws Exception {
        String channel = channel("retry");
        AtomicInteger calls = new AtomicInteger();
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> {
            s.setRetryBackoffSeconds(1);
            s.setRetryBackoffMultiplier(1.0);
        }), false, (m, d) -> {
            if (calls.incrementAndGet() <= 2) {
                throw new IllegalStateException("not yet");
            }
        });
        bus.publish(channel, "{\"n\": 1}");
        Await.until(WAIT, "the third delivery", () -> mdb.received.size(), n -> n >= 3);
        assertEquals(List.of(1, 2, 3), mdb.received.stream().map(BusMessage::getDeliveryCount).toList());
        Subscription s = subscriptionOf(channel);
        Await.until(WAIT, "the acknowledgement", () -> count("SELECT count(*) FROM pgmq.q_" + s.queueName()), n -> n == 0);
        assertEquals(1, count("SELECT count(*) FROM pgmq.a_" + s.queueName()));
        assertEquals(3, mdb.received.size(), "no delivery after success");
    }

    @Test
    void deadLettersAfterMaxDeliveriesAndGoesOn() throws Exception {
        String channel = channel("poison");
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> {
            s.setMaxDeliveries(2);
            s.setRetryBackoffSeconds(1);
        }), false, (m, d) -> {
            if (m.getPayload().contains("poison")) {
                throw new IllegalArgumentException("cannot handle " + m.getPayload());
            }
        });
        bus.publish(channel, "{\"poison\": true}");
        Subscription s = subscriptionOf(channel);
        String dlq = io.pgmqbus.ra.backend.QueueNames.deadLetterQueue(channel);
        Await.until(WAIT, "the dead letter", () -> count("SELECT count(*) FROM pgmq.list_queues() l WHERE l.queue_name = '"
                + dlq + "'") == 0 ? 0L : count("SELECT count(*) FROM pgmq.q_" + dlq), n -> n == 1);
        assertEquals(1, count("SELECT count(*) FROM pgmq.q_" + dlq + " WHERE headers->'x-dead-letter'->>'error'"
                + " LIKE 'java.lang.IllegalArgumentException: cannot handle%'"));
        assertEquals(0, count("SELECT count(*) FROM pgmq.q_" + s.queueName()));
        assertEquals(2, mdb.received.size(), "delivered maxDeliveries times");
        bus.publish(channel, "{\"fine\": true}");
        Await.until(WAIT, "the next message", () -> mdb.received.stream().filter(m -> m.getPayload().contains("fine")).count(),
                n -> n == 1);
    }

    @Test
    void aRolledBackDeliveryTransactionUndoesTheAcknowledgement() throws Exception {
        String channel = channel("rollback");
        AtomicInteger calls = new AtomicInteger();
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> s.setRetryBackoffSeconds(1)), true, (m, d) -> {
            if (calls.incrementAndGet() == 1) {
                d.setRollbackOnly();
            }
        });
        bus.publish(channel, "{\"n\": 1}");
        Await.until(WAIT, "the redelivery", () -> mdb.received.size(), n -> n == 2);
        assertEquals(List.of(1, 2), mdb.received.stream().map(BusMessage::getDeliveryCount).toList());
        Subscription s = subscriptionOf(channel);
        Await.until(WAIT, "the committed acknowledgement", () -> count("SELECT count(*) FROM pgmq.a_" + s.queueName()),
                n -> n == 1);
        assertEquals(0, count("SELECT count(*) FROM pgmq.q_" + s.queueName()));
    }

    @Test
    void neverRunsMoreThanMaxSessionsDeliveriesAtOnce() throws Exception {
        String channel = channel("sessions");
        CountDownLatch release = new CountDownLatch(1);
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> s.setMaxSessions(3)), false, (m, d) -> {
            try {
                assertTrue(release.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 8; i++) {
            bus.publish(channel, "{\"i\": " + i + "}");
        }
        Await.until(WAIT, "three deliveries in progress", () -> mdb.concurrent.get(), n -> n == 3);
        Subscription s = subscriptionOf(channel);
        assertEquals(5, count("SELECT count(*) FROM pgmq.q_" + s.queueName() + " WHERE vt <= now()"),
                "messages without a free session are not read (so not hidden)");
        release.countDown();
        Await.until(WAIT, "all eight", () -> mdb.received.size(), n -> n == 8);
        assertEquals(3, mdb.maxConcurrent.get());
    }

    @Test
    void channelsWhoseNamesSanitizeAlikeDoNotSeeEachOthersMessages() throws Exception {
        String suffix = channel("");
        RecordingEndpointFactory dotted = bus.activate(bus.spec("eu.orders" + suffix, s -> { }), false, (m, d) -> { });
        RecordingEndpointFactory underscored = bus.activate(bus.spec("eu_orders" + suffix, s -> { }), false, (m, d) -> { });
        bus.publish("eu.orders" + suffix, "{\"to\": \"dotted\"}");
        bus.publish("eu_orders" + suffix, "{\"to\": \"underscored\"}");
        Await.until(WAIT, "both messages", () -> dotted.received.size() + underscored.received.size(), n -> n >= 2);
        for (String channel : List.of("eu.orders" + suffix, "eu_orders" + suffix)) {
            Subscription s = subscriptionOf(channel);
            Await.until(WAIT, "every copy settled", () -> count("SELECT count(*) FROM pgmq.q_" + s.queueName()), n -> n == 0);
        }
        assertEquals(List.of("{\"to\": \"dotted\"}"), dotted.received.stream().map(BusMessage::getPayload).toList());
        assertEquals(List.of("{\"to\": \"underscored\"}"), underscored.received.stream().map(BusMessage::getPayload).toList());
    }

    @Test
    void deliversOnlyTheChosenMessageTypes() throws Exception {
        String channel = channel("types");
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> s.setMessageTypes("order.paid")), false, (m, d) -> { });
        try (BusConnection c = bus.factory.getConnection()) {
            c.publish(channel, "order.created", "{\"n\": 1}", null, null);
            c.publish(channel, "order.paid", "{\"n\": 2}", null, null);
        }
        Await.until(WAIT, "the paid order", () -> mdb.received.size(), n -> n == 1);
        assertEquals("order.paid", mdb.received.get(0).getType());
        Subscription s = subscriptionOf(channel);
        Await.until(WAIT, "both acknowledged", () -> count("SELECT count(*) FROM pgmq.q_" + s.queueName()), n -> n == 0);
        assertEquals(1, mdb.received.size());
    }

    @Test
    void deactivationLeavesTheEphemeralQueueWithinTheBound() throws Exception {
        String channel = channel("leave");
        PgmqBusActivationSpec spec = bus.spec(channel, s -> { });
        RecordingEndpointFactory mdb = bus.activate(spec, false, (m, d) -> { });
        Subscription s = subscriptionOf(channel);
        long start = System.nanoTime();
        bus.ra.endpointDeactivation(mdb, spec);
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(PgmqBusResourceAdapter.STOP_MILLIS));
        assertEquals(0, count("SELECT count(*) FROM pgmq.list_queues() WHERE queue_name = '" + s.queueName() + "'"));
        assertEquals(List.of(), bus.ra.activations());
        bus.ra.endpointDeactivation(mdb, spec);
    }

    @Test
    void durableSubscribersCompeteAndKeepMessagesWhileAway() throws Exception {
        String channel = channel("durable");
        PgmqBusActivationSpec first = bus.spec(channel, s -> s.setSubscription("billing"));
        PgmqBusActivationSpec second = bus.spec(channel, s -> s.setSubscription("billing"));
        RecordingEndpointFactory one = bus.activate(first, false, (m, d) -> { });
        RecordingEndpointFactory two = bus.activate(second, false, (m, d) -> { });
        for (int i = 0; i < 10; i++) {
            bus.publish(channel, "{\"i\": " + i + "}");
        }
        Await.until(WAIT, "ten deliveries", () -> one.received.size() + two.received.size(), n -> n >= 10);
        assertEquals(10, one.received.size() + two.received.size(), "each message to one of them");
        bus.ra.endpointDeactivation(one, first);
        bus.ra.endpointDeactivation(two, second);
        assertEquals(List.of(), bus.ra.activations());
        bus.publish(channel, "{\"while\": \"away\"}");
        RecordingEndpointFactory back = bus.activate(bus.spec(channel, s -> s.setSubscription("billing")), false, (m, d) -> { });
        Await.until(WAIT, "the message sent while away", () -> back.received.size(), n -> n == 1);
        assertEquals("{\"while\": \"away\"}", back.received.get(0).getPayload());
    }

    @Test
    void readersRecoverWhenTheirConnectionsAreKilled() throws Exception {
        String channel = channel("outage");
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> s.setMaxPollSeconds(1)), false, (m, d) -> { });
        bus.publish(channel, "{\"before\": 1}");
        Await.until(WAIT, "the first message", () -> mdb.received.size(), n -> n == 1);
        try (Connection c = TestDatabase.get().connect(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pgmq-bus'"
                    + " AND pid <> pg_backend_pid()");
        }
        bus.publish(channel, "{\"after\": 2}");
        Await.until(WAIT, "the message after the outage", () -> mdb.received.size(), n -> n == 2);
    }

    @Test
    void localPublishReachesActivationsInThisJvmWithoutTheDatabase() throws Exception {
        String channel = channel("local");
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> { }), false, (m, d) -> { });
        int reached;
        try (BusConnection c = bus.factory.getConnection()) {
            reached = c.publishLocal(channel, "{\"local\": true}");
        }
        assertEquals(1, reached);
        Await.until(WAIT, "the local message", () -> mdb.received.size(), n -> n == 1);
        Subscription s = subscriptionOf(channel);
        assertEquals(0, count("SELECT count(*) FROM pgmq.q_" + s.queueName()) + count("SELECT count(*) FROM pgmq.a_" + s.queueName()));
        assertNull(mdb.received.get(0).getType());
    }
}
