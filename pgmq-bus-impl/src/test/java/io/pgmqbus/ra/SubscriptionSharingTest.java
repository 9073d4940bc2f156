// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static io.pgmqbus.ra.AdapterFixture.count;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.ra.fake.RecordingEndpointFactory;
import io.pgmqbus.ra.inbound.PgmqBusActivationSpec;
import jakarta.resource.ResourceException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Activations that share a durable subscription: one filter for all of them, wake-ups for each. */
class SubscriptionSharingTest extends AdapterTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @ParameterizedTest
    @ValueSource(strings = {"direct", "isolated"})
    void aDurableSubscriptionsFilterIsAppliedWhenPublishing(String backend) throws Exception {
        useBackend(backend);
        String channel = channel("typed");
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> {
            s.setSubscription("paid-only");
            s.setMessageTypes("order.paid");
        }), false, (m, d) -> { });
        try (BusConnection c = bus.factory.getConnection()) {
            c.publish(channel, "order.created", "{\"n\": 1}", null, null);
            c.publish(channel, "order.paid", "{\"n\": 2}", null, null);
        }
        Await.until(WAIT, "the paid order", () -> mdb.received.size(), n -> n == 1);
        Subscription s = bus.ra.activations().get(0).subscription();
        Await.until(WAIT, "its acknowledgement", () -> count("SELECT count(*) FROM pgmq.a_" + s.queueName()), n -> n == 1);
        assertEquals(0, count("SELECT count(*) FROM pgmq.q_" + s.queueName()), "the unwanted copy was never written");
        assertEquals("order.paid", mdb.received.get(0).getType());
    }

    @Test
    void aMemberWithAnotherFilterFailsToActivateNamingBothFilters() throws Exception {
        String channel = channel("filters");
        bus.activate(bus.spec(channel, s -> {
            s.setSubscription("shared");
            s.setMessageTypes("a.one");
        }), false, (m, d) -> { });
        PgmqBusActivationSpec other = bus.spec(channel, s -> {
            s.setSubscription("shared");
            s.setMessageTypes("a.two");
        });
        ResourceException e = assertThrows(ResourceException.class, () -> bus.activate(other, false, (m, d) -> { }));
        assertTrue(e.getMessage().contains("a.one") && e.getMessage().contains("a.two"), e.getMessage());
        assertEquals(1, bus.ra.activations().size());
        bus.activate(bus.spec(channel, s -> {
            s.setSubscription("shared");
            s.setMessageTypes(" a.one ");
        }), false, (m, d) -> { });
        assertEquals(2, bus.ra.activations().size(), "a member with the same filter joins");
    }

    @Test
    void twoActivationsOfOneDurableSubscriptionEachKeepTheirWakeUps() throws Exception {
        String channel = channel("twins");
        PgmqBusActivationSpec first = bus.spec(channel, s -> {
            s.setSubscription("twins");
            s.setMaxPollSeconds(60);
        });
        RecordingEndpointFactory one = bus.activate(first, false, (m, d) -> { });
        CountDownLatch got = new CountDownLatch(1);
        bus.activate(bus.spec(channel, s -> {
            s.setSubscription("twins");
            s.setMaxPollSeconds(60);
        }), false, (m, d) -> got.countDown());
        bus.ra.endpointDeactivation(one, first);
        bus.publish(channel, "{\"n\": 1}");
        assertTrue(got.await(10, TimeUnit.SECONDS), "woken by the notification, not the 60 s poll");
    }
}
