// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.ra.fake.RecordingEndpointFactory;
import io.pgmqbus.ra.inbound.Activation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.jca.core.spi.statistics.Statistics;
import org.jboss.jca.core.spi.statistics.StatisticsPlugin;
import org.junit.jupiter.api.Test;

/**
 * The adapter's numbers as WildFly's management model takes them: IronJacamar's statistics SPI on
 * the resource adapter, one plugin for the whole adapter, names fixed when WildFly registers them
 * (it reads {@code getNames()} once), totals over every activation of the adapter.
 */
class StatisticsPluginTest extends AdapterTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Every name, with the type WildFly maps: long and int become numbers (and metrics), String a string. */
    private static final Map<String, Class<?>> NAMES = Map.ofEntries(
            Map.entry("MessagesDelivered", long.class),
            Map.entry("MessagesAcknowledged", long.class),
            Map.entry("DeliveriesFailed", long.class),
            Map.entry("MessagesRetried", long.class),
            Map.entry("MessagesKilled", long.class),
            Map.entry("WakeUps", long.class),
            Map.entry("Polls", long.class),
            Map.entry("DeliveringCount", long.class),
            Map.entry("Activations", int.class),
            Map.entry("ActivationsPaused", int.class),
            Map.entry("ActivationsInOutage", int.class),
            Map.entry("LastRead", String.class));

    private StatisticsPlugin plugin() {
        assertInstanceOf(Statistics.class, bus.ra, "WildFly looks for the SPI on the adapter instance");
        return ((Statistics) bus.ra).getStatistics();
    }

    private long number(String name) {
        return ((Number) plugin().getValue(name)).longValue();
    }

    private Activation activation(String channel) {
        return bus.ra.activations().stream().filter(a -> a.spec().getChannel().equals(channel)).findFirst().orElseThrow();
    }

    @Test
    void namesTypesAndDescriptionsAreFixedAndEveryValueHasItsType() {
        StatisticsPlugin stats = plugin();
        assertSame(stats, plugin(), "one plugin for the adapter's life: WildFly keeps the first");
        assertEquals(NAMES.keySet(), stats.getNames());
        for (Map.Entry<String, Class<?>> e : NAMES.entrySet()) {
            String name = e.getKey();
            assertEquals(e.getValue(), stats.getType(name), name);
            assertFalse(stats.getDescription(name).isBlank(), name + " is described");
            assertEquals(stats.getDescription(name), stats.getDescription(name, Locale.GERMAN), "one language");
            Object value = stats.getValue(name);
            Class<?> boxed = e.getValue() == long.class ? Long.class : e.getValue() == int.class ? Integer.class : String.class;
            assertInstanceOf(boxed, value, name + " (WildFly casts to the type it was told)");
        }
        assertEquals(0L, stats.getValue("MessagesDelivered"));
        assertEquals(0, stats.getValue("Activations"));
        assertEquals("", stats.getValue("LastRead"), "no read yet");
        assertNull(stats.getType("NoSuchStatistic"));
        assertNull(stats.getValue("NoSuchStatistic"));
    }

    /** The table of README "Operating" (WildFly's management model) names every statistic with its type. */
    @Test
    void theReadmeTableSaysWhatThePluginHas() throws Exception {
        Map<String, Class<?>> readme = new HashMap<>();
        boolean inSection = false;
        Pattern row = Pattern.compile("^\\| ((?:`\\w+`(?:, )?)+) \\| (long|int|string) \\|");
        for (String line : Files.readAllLines(Path.of("..", "README.md"))) {
            if (line.startsWith("### ")) {
                inSection = line.startsWith("### WildFly's management model");
                continue;
            }
            Matcher m = row.matcher(line);
            if (inSection && m.find()) {
                Class<?> type = switch (m.group(2)) {
                    case "long" -> long.class;
                    case "int" -> int.class;
                    default -> String.class;
                };
                for (String name : m.group(1).replace("`", "").split(", ")) {
                    readme.put(name, type);
                }
            }
        }
        assertEquals(NAMES, readme);
    }

    @Test
    void totalsOverTwoActivationsMoveWithDeliveriesAndFailuresAndOutliveADeactivation() throws Exception {
        String good = channel("stats_good");
        String bad = channel("stats_bad");
        RecordingEndpointFactory goodMdb = bus.activate(bus.spec(good, s -> { }), false, (m, d) -> { });
        RecordingEndpointFactory badMdb = bus.activate(bus.spec(bad, s -> {
            s.setMaxDeliveries(2);
            s.setRetryBackoffSeconds(1);
        }), false, (m, d) -> {
            throw new IllegalStateException("refused " + m.getPayload());
        });
        assertEquals(2, plugin().getValue("Activations"));

        bus.publish(good, "1");
        bus.publish(good, "2");
        bus.publish(bad, "3");
        Await.until(WAIT, "the bad message dead-lettered", () -> number("MessagesKilled"), n -> n == 1);
        Await.until(WAIT, "both good messages acknowledged", () -> number("MessagesAcknowledged"), n -> n == 2);
        assertEquals(4, number("MessagesDelivered"), "two good ones, the bad one twice");
        assertEquals(2, number("DeliveriesFailed"));
        assertEquals(1, number("MessagesRetried"), "the bad one, before its last delivery");
        assertEquals(0, number("DeliveringCount"));
        assertTrue(number("WakeUps") + number("Polls") > 0, "the readers waited");
        Instant lastRead = Instant.parse((String) plugin().getValue("LastRead"));
        assertFalse(lastRead.isAfter(Instant.now()));
        // the totals are the sums of the activations' own numbers (their JMX beans)
        assertEquals(activation(good).stats().delivered() + activation(bad).stats().delivered(), number("MessagesDelivered"));

        activation(bad).pause();
        Await.until(WAIT, "one activation paused", () -> number("ActivationsPaused"), n -> n == 1);
        assertEquals(0, number("ActivationsInOutage"));

        bus.ra.endpointDeactivation(badMdb, activation(bad).spec());
        assertEquals(1, plugin().getValue("Activations"));
        assertEquals(0, number("ActivationsPaused"), "the paused one is gone");
        assertEquals(4, number("MessagesDelivered"), "a deactivated bean's deliveries still count: totals never go down");
        assertEquals(2, number("DeliveriesFailed"));
        assertEquals(1, number("MessagesKilled"));

        bus.publish(good, "4");
        Await.until(WAIT, "the third good message acknowledged", () -> number("MessagesAcknowledged"), n -> n == 3);
        assertEquals(5, number("MessagesDelivered"));
        assertEquals(3, goodMdb.received.size());
    }

    @Test
    void deliveringCountIsWhatTheBeansHoldNow() throws Exception {
        String channel = channel("stats_held");
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        bus.activate(bus.spec(channel, s -> { }), false, (m, d) -> {
            inside.countDown();
            try {
                assertTrue(release.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
        bus.publish(channel, "1");
        assertTrue(inside.await(20, TimeUnit.SECONDS), "the delivery began");
        assertEquals(1, number("DeliveringCount"), "one message in the bean's hands");
        release.countDown();
        Await.until(WAIT, "the message acknowledged", () -> number("MessagesAcknowledged"), n -> n == 1);
        Await.until(WAIT, "nothing held", () -> number("DeliveringCount"), n -> n == 0);
    }

    @Test
    void clearRestartsTheCountersButNotTheCurrentNumbersNorTheJmxBeans() throws Exception {
        String channel = channel("stats_clear");
        bus.activate(bus.spec(channel, s -> { }), false, (m, d) -> { });
        bus.publish(channel, "1");
        Await.until(WAIT, "the first message acknowledged", () -> number("MessagesAcknowledged"), n -> n == 1);

        plugin().clear();
        for (String counter : new String[] {"MessagesDelivered", "MessagesAcknowledged", "DeliveriesFailed",
                "MessagesRetried", "MessagesKilled"}) {
            assertEquals(0, number(counter), counter + " after clear");
        }
        assertTrue(number("WakeUps") + number("Polls") <= 1, "the wait counters restarted (a wait may have ended since)");
        assertEquals(1, plugin().getValue("Activations"), "a current number, not a counter");
        assertFalse(((String) plugin().getValue("LastRead")).isEmpty(), "the last read stays a fact");
        assertEquals(1, activation(channel).stats().acknowledged(), "the activation's JMX bean is not reset");

        bus.publish(channel, "2");
        Await.until(WAIT, "the second message acknowledged", () -> number("MessagesAcknowledged"), n -> n == 1);
        assertEquals(1, number("MessagesDelivered"), "counted from the clear");
    }

    @Test
    void disablingIsRecordedButTheNumbersGoOn() throws Exception {
        // WildFly disables the plugin of every adapter deployed in an archive and offers no way to
        // enable it: numbers frozen while disabled would stay at zero there for good.
        StatisticsPlugin stats = plugin();
        assertTrue(stats.isEnabled(), "enabled until a container says otherwise");
        stats.setEnabled(false);
        assertFalse(stats.isEnabled());
        String channel = channel("stats_disabled");
        bus.activate(bus.spec(channel, s -> { }), false, (m, d) -> { });
        bus.publish(channel, "1");
        Await.until(WAIT, "the message acknowledged", () -> number("MessagesAcknowledged"), n -> n == 1);
        stats.setEnabled(true);
        assertTrue(stats.isEnabled());
    }
}
