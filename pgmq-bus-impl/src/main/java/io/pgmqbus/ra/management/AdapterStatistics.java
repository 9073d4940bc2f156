// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.management;

import io.pgmqbus.ra.inbound.Activation;
import io.pgmqbus.ra.inbound.ActivationStats;
import io.pgmqbus.ra.inbound.ActivationStats.ReaderState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.jboss.jca.core.spi.statistics.StatisticsPlugin;

/**
 * The adapter's numbers for IronJacamar's statistics SPI, which WildFly registers in its management
 * model (README "Operating" says what WildFly 39 makes of them): one plugin per adapter, with the same names as the activations'
 * {@link SubscriptionMXBean}s, totalled over every activation of the adapter. The names are fixed
 * (WildFly reads them once, when it registers the adapter), so nothing here is per activation.
 *
 * <p>Counters only grow: an activation that stops leaves its numbers in the totals. {@link #clear()}
 * restarts the counters of this plugin from zero (the JMX beans are not reset); the current numbers
 * (what is held, how many activations, paused, in an outage) and the last read are facts, not reset.
 * {@link #setEnabled} is recorded and reported, but counting goes on: the activations count for
 * their JMX beans anyway, and WildFly disables the plugin of every adapter deployed in an archive
 * with no way to enable it again.
 */
public final class AdapterStatistics implements StatisticsPlugin {
    private static final long serialVersionUID = 1L;

    /** A number that only grows, read from one activation's counters. */
    private record Counter(String description, ToLongFunction<ActivationStats> read) {
    }

    private static final Map<String, Counter> COUNTERS = counters();
    private static final Map<String, String> CURRENT = Map.of(
            "DeliveringCount", "Messages held on this node now: read and not yet acknowledged, retried or handed back.",
            "Activations", "Running activations (message-driven beans) of this adapter.",
            "ActivationsPaused", "Activations paused by an operator.",
            "ActivationsInOutage", "Activations whose reader cannot reach the database.",
            "LastRead", "When a reader of this adapter last read, ISO-8601; empty before the first read.");
    private static final Map<String, Class<?>> TYPES = types();

    private final List<Activation> running = new ArrayList<>();
    /** What stopped activations counted, by counter. */
    private final long[] stopped = new long[COUNTERS.size()];
    /** The totals at the last {@link #clear()}, by counter. */
    private final long[] cleared = new long[COUNTERS.size()];
    private volatile boolean enabled = true;

    private static Map<String, Counter> counters() {
        Map<String, Counter> c = new LinkedHashMap<>();
        c.put("MessagesDelivered", new Counter("Messages handed to the beans (each message of a batch counts).", ActivationStats::delivered));
        c.put("MessagesAcknowledged", new Counter("Messages acknowledged after a successful delivery.", ActivationStats::acknowledged));
        c.put("DeliveriesFailed", new Counter("Failed deliveries (the bean threw, or its transaction rolled back).", ActivationStats::failed));
        c.put("MessagesRetried", new Counter("Failed messages given back with their back-off, to be delivered again.", ActivationStats::retried));
        c.put("MessagesKilled", new Counter("Messages dead-lettered after their last failed delivery.", ActivationStats::deadLettered));
        c.put("WakeUps", new Counter("Reader waits ended by a wake-up (a notification from the database).", ActivationStats::wakeUps));
        c.put("Polls", new Counter("Reader waits that ran out at the poll interval.", ActivationStats::polls));
        return Collections.unmodifiableMap(c);
    }

    private static Map<String, Class<?>> types() {
        Map<String, Class<?>> t = new LinkedHashMap<>();
        COUNTERS.keySet().forEach(name -> t.put(name, long.class));
        t.put("DeliveringCount", long.class);
        t.put("Activations", int.class);
        t.put("ActivationsPaused", int.class);
        t.put("ActivationsInOutage", int.class);
        t.put("LastRead", String.class);
        return Collections.unmodifiableMap(t);
    }

    /** An activation started: its numbers count from now on. */
    public synchronized void added(Activation activation) {
        running.add(activation);
    }

    /** An activation stopped: what it counted stays in the totals. */
    public synchronized void removed(Activation activation) {
        if (running.remove(activation)) {
            int i = 0;
            for (Counter c : COUNTERS.values()) {
                stopped[i++] += c.read().applyAsLong(activation.stats());
            }
        }
    }

    private long total(int index, Counter counter) {
        long sum = stopped[index];
        for (Activation a : running) {
            sum += counter.read().applyAsLong(a.stats());
        }
        return sum;
    }

    @Override
    public Set<String> getNames() {
        return TYPES.keySet();
    }

    @Override
    public Class getType(String name) {
        return TYPES.get(name);
    }

    @Override
    public String getDescription(String name) {
        Counter c = COUNTERS.get(name);
        return c != null ? c.description() : CURRENT.get(name);
    }

    /** The same text in every locale. */
    @Override
    public String getDescription(String name, Locale locale) {
        return getDescription(name);
    }

    @Override
    public synchronized Object getValue(String name) {
        if (name == null) {
            return null;
        }
        int i = 0;
        for (Map.Entry<String, Counter> c : COUNTERS.entrySet()) {
            if (c.getKey().equals(name)) {
                return total(i, c.getValue()) - cleared[i];
            }
            i++;
        }
        return switch (name) {
            case "DeliveringCount" -> running.stream().mapToLong(Activation::holding).sum();
            case "Activations" -> running.size();
            case "ActivationsPaused" -> (int) running.stream().filter(Activation::paused).count();
            case "ActivationsInOutage" -> (int) running.stream().filter(a -> a.stats().state() == ReaderState.OUTAGE).count();
            case "LastRead" -> running.stream().map(a -> a.stats().lastRead()).filter(at -> at != null)
                    .max(Instant::compareTo).map(Instant::toString).orElse("");
            default -> null;
        };
    }

    @Override
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** Restarts the counters from zero; the current numbers and the JMX beans stay as they are. */
    @Override
    public synchronized void clear() {
        int i = 0;
        for (Counter c : COUNTERS.values()) {
            cleared[i] = total(i, c);
            i++;
        }
    }
}
