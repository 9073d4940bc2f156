// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static io.pgmqbus.ra.AdapterFixture.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusMessage;
import io.pgmqbus.ra.backend.QueueNames;
import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.ra.fake.RecordingEndpointFactory;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Only real deliveries count toward maxDeliveries, every failure ends settled, and a delivery keeps
 * its message's lease: the edges of at-least-once, on the real database with fake JCA contracts.
 */
class SettlementEdgesTest extends AdapterTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private long rows(String queue) throws Exception {
        return count("SELECT count(*) FROM pgmq.list_queues() WHERE queue_name = '" + queue + "'") == 0
                ? 0 : count("SELECT count(*) FROM pgmq.q_" + queue);
    }

    private Subscription subscription() {
        return bus.ra.activations().get(0).subscription();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis); // the bean's own work, not a wait of the test
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void messagesReadAheadAreNotDeadLetteredWhileTheyWaitForASession() throws Exception {
        String channel = channel("ahead");
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> {
            s.setMaxSessions(1);
            s.setVisibilityTimeout(2);
        }), false, (m, d) -> sleep(1100));
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            payloads.add("{\"i\": " + i + "}");
        }
        try (BusConnection c = bus.factory.getConnection()) {
            c.publishBatch(channel, payloads);
        }
        Subscription s = subscription();
        Await.until(Duration.ofSeconds(60), "every message acknowledged",
                () -> count("SELECT count(*) FROM pgmq.a_" + s.queueName()), n -> n == 14);
        assertEquals(0, rows(QueueNames.deadLetterQueue(channel)), "nothing dead-lettered");
        assertEquals(Set.copyOf(payloads), mdb.received.stream().map(BusMessage::getPayload).collect(Collectors.toSet()));
        assertEquals(14, mdb.received.size(), "each delivered once");
        assertEquals(Set.of(1), mdb.received.stream().map(BusMessage::getDeliveryCount).collect(Collectors.toSet()),
                "waiting in memory is not a delivery");
    }

    @Test
    void headersThatAreJsonButNotAnObjectCountAsAbsent() throws Exception {
        String channel = channel("odd_headers");
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> s.setMaxDeliveries(2)), false, (m, d) -> { });
        Subscription s = subscription();
        List<String> odd = List.of("null", "[1]", "\"x\"", "42");
        try (PreparedStatement ps = db.prepareStatement("SELECT pgmq.send(?, ?::jsonb, ?::jsonb)")) {
            for (String headers : odd) {
                ps.setString(1, s.queueName());
                ps.setString(2, "{\"headers\": " + headers + "}");
                ps.setString(3, headers);
                ps.execute();
            }
        }
        Await.until(WAIT, "all four delivered", () -> mdb.received.size(), n -> n >= 4);
        assertEquals(4, mdb.received.size());
        for (BusMessage m : mdb.received) {
            assertEquals(Map.of(), m.getHeaders(), m.getPayload());
        }
        Await.until(WAIT, "all four acknowledged", () -> rows(s.queueName()), n -> n == 0);
    }

    @Test
    void aFailureBeforeOnMessageIsAFailedDeliveryAndEndsDeadLettered() throws Exception {
        String channel = channel("before");
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> {
            s.setMaxDeliveries(2);
            s.setRetryBackoffSeconds(1);
        }), false, (m, d) -> { });
        mdb.failBeforeDelivery = new IllegalStateException("container refused the delivery");
        bus.publish(channel, "{\"n\": 1}");
        String dlq = QueueNames.deadLetterQueue(channel);
        Await.until(WAIT, "the dead letter", () -> rows(dlq), n -> n == 1);
        assertEquals(1, count("SELECT count(*) FROM pgmq.q_" + dlq
                + " WHERE headers->'x-dead-letter'->>'error' LIKE '%container refused the delivery%'"), "reason recorded");
        assertEquals(2, mdb.before.get(), "tried maxDeliveries times");
    }

    @Test
    void aDeadLetterChannelWithoutSubscribersFallsBackToTheDeadLetterQueue() throws Exception {
        String channel = channel("dl_nobody");
        String deadLetters = channel("nobody_listens");
        bus.activate(bus.spec(channel, s -> {
            s.setMaxDeliveries(1);
            s.setDeadLetterChannel(deadLetters);
        }), false, (m, d) -> {
            throw new IllegalArgumentException("cannot handle it");
        });
        bus.publish(channel, "{\"n\": 1}");
        String dlq = QueueNames.deadLetterQueue(channel);
        Await.until(WAIT, "the dead letter kept in the subscription's dead-letter queue", () -> rows(dlq), n -> n == 1);
        assertEquals(1, count("SELECT count(*) FROM pgmq.q_" + dlq
                + " WHERE headers->'x-dead-letter'->>'error' LIKE '%cannot handle it%'"));
        assertEquals(0, rows(subscription().queueName()));
    }

    @Test
    void aHandlerThreeTimesTheVisibilityTimeoutGetsExactlyOneDelivery() throws Exception {
        String channel = channel("long");
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> {
            s.setVisibilityTimeout(1);
            s.setMaxPollSeconds(1); // the reader looks again every second: it would see the message come back
        }), false, (m, d) -> sleep(3500));
        bus.publish(channel, "{\"n\": 1}");
        Subscription s = subscription();
        Await.until(WAIT, "the acknowledgement", () -> count("SELECT count(*) FROM pgmq.a_" + s.queueName()), n -> n == 1);
        assertEquals(1, mdb.received.size(), "one delivery, not one per visibility timeout");
        assertEquals(1, mdb.maxConcurrent.get());
        assertTrue(mdb.after.get() == 1, "the delivery ended once");
    }
}
