// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusException;
import io.pgmqbus.api.DeadLetter;
import io.pgmqbus.api.SubscriptionStatus;
import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.ra.fake.RecordingEndpointFactory;
import io.pgmqbus.ra.management.SubscriptionControl;
import io.pgmqbus.ra.management.SubscriptionMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.JMX;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The operator's tools through a connection of the adapter (BusConnection.operations()) and the management beans. */
class OperationsTest extends AdapterTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    /** A bean on {@code channel} that fails every delivery while {@code failing} holds; one delivery each. */
    private RecordingEndpointFactory failingBean(String channel, AtomicBoolean failing) throws Exception {
        return bus.activate(bus.spec(channel, s -> {
            s.setSubscription("billing");
            s.setMaxDeliveries(1);
        }), false, (m, d) -> {
            if (failing.get()) {
                throw new IllegalStateException("card declined for " + m.getPayload());
            }
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "isolated"})
    void deadLettersAreListedReplayedAndPurgedThroughAConnection(String backend) throws Exception {
        useBackend(backend);
        String channel = channel("ops");
        AtomicBoolean failing = new AtomicBoolean(true);
        RecordingEndpointFactory mdb = failingBean(channel, failing);
        try (BusConnection c = bus.factory.getConnection()) {
            c.publish(channel, "{\"order\": 1}");
            c.publish(channel, "{\"order\": 2}");
            List<DeadLetter> dead = Await.until(WAIT, "two dead letters", () -> c.operations().deadLetters(channel, "billing"),
                    l -> l.size() == 2);
            assertTrue(dead.stream().allMatch(d -> d.error().contains("card declined") && "billing".equals(d.subscription())
                    && channel.equals(d.channel())), dead.toString());
            SubscriptionStatus status = Await.until(WAIT, "the dead letters counted", () -> c.operations().subscriptions().stream()
                    .filter(s -> channel.equals(s.channel())).findFirst().orElseThrow(), s -> s.deadLetters() == 2);
            assertEquals("durable", status.kind());
            assertEquals(0L, status.depth());

            failing.set(false);
            DeadLetter first = dead.get(0);
            int before = mdb.received.size();
            assertTrue(c.operations().replayDeadLetter(first.deadLetterQueue(), first.id()));
            assertFalse(c.operations().replayDeadLetter(first.deadLetterQueue(), first.id()), "a dead letter is replayed once");
            List<io.pgmqbus.api.BusMessage> again = Await.until(WAIT, "the replayed one delivered",
                    () -> List.copyOf(mdb.received.subList(before, mdb.received.size())), l -> !l.isEmpty());
            assertEquals(1, again.size(), "delivered once: " + again);
            assertEquals(1, again.get(0).getDeliveryCount(), "its delivery count starts again");
            assertTrue(again.get(0).getHeader("x-replayed") != null, "the replay is recorded in a header");
            assertEquals(1, c.operations().deadLetters(channel, "billing").size());

            assertEquals(0, c.operations().purgeDeadLetters(Duration.ofHours(1), channel, "billing"), "none that old");
            assertEquals(1, c.operations().purgeDeadLetters(Duration.ZERO, channel, "billing"));
            assertEquals(List.of(), c.operations().deadLetters(channel, "billing"));
            assertThrows(BusException.class, () -> c.operations().purgeDeadLetters(Duration.ofSeconds(-1), channel, null));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"direct", "isolated"})
    void theManagementBeanRetriesAndRemovesItsSubscriptionsDeadLetters(String backend) throws Exception {
        useBackend(backend);
        String channel = channel("ops_jmx");
        AtomicBoolean failing = new AtomicBoolean(true);
        RecordingEndpointFactory mdb = failingBean(channel, failing);
        SubscriptionMXBean jmx = JMX.newMXBeanProxy(ManagementFactory.getPlatformMBeanServer(),
                SubscriptionControl.objectName(channel, "billing", mdb.getActivationName() + " " + mdb.getEndpointClass().getName()), SubscriptionMXBean.class);
        try (BusConnection c = bus.factory.getConnection()) {
            c.publish(channel, "{\"order\": 1}");
            c.publish(channel, "{\"order\": 2}");
            Await.until(WAIT, "two dead letters", jmx::getDeadLetterCount, n -> n == 2);
            failing.set(false);
            assertEquals(2, jmx.retryMessages());
            Await.until(WAIT, "both delivered again", () -> mdb.received.stream().filter(m -> m.getDeliveryCount() == 1).count(),
                    n -> n == 4);
            failing.set(true);
            c.publish(channel, "{\"order\": 3}");
            Await.until(WAIT, "a new dead letter", jmx::getDeadLetterCount, n -> n == 1);
            assertEquals(1, jmx.removeMessages());
            assertEquals(List.of(), c.operations().deadLetters(channel, null));
        }
    }
}
