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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A BusBatchListener bean: several messages per call, one transaction and one acknowledgement each. */
class BatchDeliveryTest extends AdapterTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static List<String> payloads(int n, String poison) {
        List<String> payloads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            payloads.add(i == 3 && poison != null ? "{\"poison\": true}" : "{\"i\": " + i + "}");
        }
        return payloads;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void deliversSeveralMessagesPerCallAndAcknowledgesThemTogether(boolean transacted) throws Exception {
        String channel = channel("batch");
        RecordingEndpointFactory mdb = RecordingEndpointFactory.batch("batch-mdb", transacted, (messages, d) -> { });
        bus.ra.endpointActivation(mdb, bus.spec(channel, s -> {
            s.setDeliveryBatchSize(5);
            s.setMaxSessions(1);
        }));
        List<String> payloads = payloads(10, null);
        try (BusConnection c = bus.factory.getConnection()) {
            c.publishBatch(channel, payloads);
        }
        Subscription s = bus.ra.activations().get(0).subscription();
        Await.until(WAIT, "all ten acknowledged", () -> count("SELECT count(*) FROM pgmq.a_" + s.queueName()), n -> n == 10);
        assertEquals(Set.copyOf(payloads), mdb.received.stream().map(BusMessage::getPayload).collect(Collectors.toSet()));
        assertEquals(10, mdb.received.size(), "each once");
        assertTrue(mdb.batches.stream().allMatch(n -> n <= 5), "at most deliveryBatchSize per call: " + mdb.batches);
        assertTrue(mdb.batches.stream().anyMatch(n -> n > 1), "several per call: " + mdb.batches);
        assertEquals(mdb.batches.size(), mdb.after.get(), "one delivery (one transaction) per call");
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aFailedBatchIsDeliveredOneByOneSoThatOnlyTheBadMessageIsDeadLettered(boolean transacted) throws Exception {
        String channel = channel("batch_poison");
        RecordingEndpointFactory mdb = RecordingEndpointFactory.batch("batch-mdb", transacted, (messages, d) -> {
            if (messages.stream().anyMatch(m -> m.getPayload().contains("poison"))) {
                throw new IllegalArgumentException("cannot take the poison");
            }
        });
        bus.ra.endpointActivation(mdb, bus.spec(channel, s -> {
            s.setDeliveryBatchSize(10);
            s.setMaxSessions(1);
            s.setMaxDeliveries(1);
        }));
        try (BusConnection c = bus.factory.getConnection()) {
            c.publishBatch(channel, payloads(6, "poison"));
        }
        Subscription s = bus.ra.activations().get(0).subscription();
        String dlq = QueueNames.deadLetterQueue(channel);
        Await.until(WAIT, "the five good ones acknowledged", () -> count("SELECT count(*) FROM pgmq.a_" + s.queueName()), n -> n == 5);
        Await.until(WAIT, "the poison dead-lettered", () -> count("SELECT count(*) FROM pgmq.list_queues() WHERE queue_name = '"
                + dlq + "'") == 0 ? 0L : count("SELECT count(*) FROM pgmq.q_" + dlq), n -> n == 1);
        assertEquals(1, count("SELECT count(*) FROM pgmq.q_" + dlq + " WHERE message ? 'poison'"
                + " AND headers->'x-dead-letter'->>'error' LIKE '%cannot take the poison%'"));
        assertEquals(0, count("SELECT count(*) FROM pgmq.q_" + s.queueName()));
    }

    @org.junit.jupiter.api.Test
    void aBatchWaitsUpToDeliveryBatchWaitMsToFill() throws Exception {
        String channel = channel("batch_wait");
        RecordingEndpointFactory mdb = RecordingEndpointFactory.batch("batch-mdb", true, (messages, d) -> { });
        bus.ra.endpointActivation(mdb, bus.spec(channel, s -> {
            s.setDeliveryBatchSize(5);
            s.setDeliveryBatchWaitMs(3000);
            s.setMaxSessions(1);
        }));
        for (String payload : payloads(5, null)) {
            bus.publish(channel, payload); // five transactions, one after the other
        }
        Await.until(WAIT, "all five delivered", () -> mdb.received.size(), n -> n == 5);
        assertEquals(List.of(5), mdb.batches, "one call with all five, not the first alone");
    }
}
