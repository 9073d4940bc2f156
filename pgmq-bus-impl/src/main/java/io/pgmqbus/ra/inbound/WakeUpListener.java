// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.ra.ConnectionSource;
import io.pgmqbus.ra.backend.Notifications;
import jakarta.resource.spi.work.Work;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The adapter's one {@code LISTEN} connection, shared by every activation: each notification names
 * a queue that got a message, and wakes the reader of that queue. It blocks in the driver with no
 * timeout (a wake-up costs no polling delay); {@link #release()} aborts the connection to stop it.
 * While it is down, {@link #listening()} is false and readers fall back to their poll interval.
 */
public final class WakeUpListener implements Work {
    private static final Logger LOG = Logger.getLogger(WakeUpListener.class.getName());

    private final ConnectionSource connections;
    /** The readers of each queue: several activations of one durable subscription share its queue. */
    private final Map<String, Set<Waiter>> waiters = new ConcurrentHashMap<>();
    /** The same readers by channel, for the wake-ups of this adapter's own publishes. */
    private final Map<String, Set<Waiter>> byChannel = new ConcurrentHashMap<>();
    private volatile int ownSender;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Outage outage = new Outage(LOG, "pgmq-bus wake-up listener");
    private volatile Connection current;
    private volatile boolean listening;
    /** The liveness ping sent and not yet heard back, or null. */
    private final AtomicReference<String> outstanding = new AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicInteger connects = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger pingsAnswered = new java.util.concurrent.atomic.AtomicInteger();

    public WakeUpListener(ConnectionSource connections) {
        this.connections = connections;
    }

    /**
     * Wakes {@code waiter} for the notifications naming {@code queue} (its wake key), and at once
     * when this adapter publishes to {@code channel} ({@link #wakeChannel}).
     */
    public void register(String queue, String channel, Waiter waiter) {
        waiters.computeIfAbsent(queue, q -> ConcurrentHashMap.newKeySet()).add(waiter);
        byChannel.computeIfAbsent(channel, q -> ConcurrentHashMap.newKeySet()).add(waiter);
    }

    /** Stops waking {@code waiter} for {@code queue} and {@code channel}; their other readers are still woken. */
    public void unregister(String queue, String channel, Waiter waiter) {
        remove(waiters, queue, waiter);
        remove(byChannel, channel, waiter);
    }

    private static void remove(Map<String, Set<Waiter>> map, String key, Waiter waiter) {
        map.computeIfPresent(key, (q, set) -> {
            set.remove(waiter);
            return set.isEmpty() ? null : set;
        });
    }

    /** Wakes this adapter's readers of {@code channel}, in this JVM (a publish to it committed here). */
    public void wakeChannel(String channel) {
        byChannel.getOrDefault(channel, Set.of()).forEach(Waiter::wake);
    }

    /**
     * The backend process whose notifications are this adapter's own {@link WakeUpSender}'s (0: none):
     * they are passed over, since they follow in-process wake-ups of the same readers.
     */
    void sentBy(int pid) {
        ownSender = pid;
    }

    /** Whether a reader of {@code queue} is woken by its notifications. */
    public boolean wakes(String queue) {
        return waiters.containsKey(queue);
    }

    /** How many times a LISTEN connection was set up (1 while the first one lives). */
    public int connects() {
        return connects.get();
    }

    /** How many liveness pings came back in time. */
    public int pingsAnswered() {
        return pingsAnswered.get();
    }

    /** True while the LISTEN connection is up, so that notifications arrive. */
    public boolean listening() {
        return listening;
    }

    @Override
    public void run() {
        try {
            while (stopped.getCount() > 0) {
                try (Connection c = connections.openListening()) {
                    current = c;
                    Notifications.listen(c);
                    connects.incrementAndGet();
                    listening = true;
                    outage.succeeded();
                    waiters.values().forEach(set -> set.forEach(Waiter::wake)); // anything sent while we were not listening
                    while (stopped.getCount() > 0) {
                        for (Notifications.Notification n : Notifications.await(c)) {
                            if (n.ping()) {
                                String expected = outstanding.get();
                                if (expected != null && expected.equals(n.payload())
                                        && outstanding.compareAndSet(expected, null)) {
                                    pingsAnswered.incrementAndGet();
                                }
                            } else if (n.pid() != ownSender) {
                                waiters.getOrDefault(n.payload(), Set.of()).forEach(Waiter::wake);
                            }
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    listening = false;
                    if (stopped.getCount() == 0) {
                        break;
                    }
                    if (stopped.await(outage.failed(e), TimeUnit.MILLISECONDS)) {
                        break;
                    }
                } finally {
                    listening = false;
                    current = null;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    /**
     * Checks that the LISTEN connection is alive, on {@code c} (another connection, in auto-commit):
     * called at every heartbeat, it sends a ping through the database and expects to hear it back
     * before the next call. A connection whose peer vanished without closing (a partition, a
     * firewall dropping idle flows) blocks in its read for ever and says nothing; one that has not
     * heard its ping is aborted, readers poll at their interval meanwhile, and it reconnects.
     */
    public void check(Connection c) throws SQLException {
        if (!listening) {
            outstanding.set(null);
            return;
        }
        String unanswered = outstanding.get();
        if (unanswered != null) {
            LOG.warning("pgmq-bus wake-up listener: its LISTEN connection has not answered a ping for a heartbeat;"
                    + " reconnecting (readers poll at their interval meanwhile)");
            listening = false;
            outstanding.set(null);
            abortCurrent();
            return;
        }
        String token = UUID.randomUUID().toString();
        outstanding.set(token);
        Notifications.ping(c, token);
    }

    /** Stops the listener: aborts its connection so the blocked read returns at once. */
    @Override
    public void release() {
        stopped.countDown();
        abortCurrent();
    }

    private void abortCurrent() {
        Connection c = current;
        if (c != null) {
            try {
                c.abort(Runnable::run);
            } catch (SQLException | RuntimeException | LinkageError e) {
                LOG.log(Level.FINE, "aborting the LISTEN connection failed; closing it", e);
                try {
                    c.close();
                } catch (SQLException | RuntimeException | LinkageError closing) {
                    LOG.log(Level.FINE, "closing the LISTEN connection failed", closing);
                }
            }
        }
    }

    /** Stops and waits up to {@code millis} for the loop to end. */
    public boolean stop(long millis) throws InterruptedException {
        release();
        return finished.await(millis, TimeUnit.MILLISECONDS);
    }
}
