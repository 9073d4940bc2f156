// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.inbound.Activation;
import io.pgmqbus.ra.inbound.Outage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jakarta.resource.spi.work.Work;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The adapter's periodic task, a long-running container {@link Work} (not a container timer: on
 * WildFly a timer's thread is named after the adapter's config properties, password included, and
 * that name is in every line it logs). Every {@code heartbeatSeconds} one statement refreshes every joined
 * subscription of this node (an activation whose queue turns out to be gone joins again), and
 * dead peers' ephemeral subscriptions are reaped, so a node killed without deactivating does not
 * make its channels grow forever; and the adapter's pool closes the connections nobody used for a
 * while. Reaping is fair: a subscription is dead after twice its own lease unseen, and this node
 * reaps only subscriptions whose lease is shorter than the time it has itself been heartbeating
 * without an outage, so after an outage shared by every node nobody is reaped for it.
 */
final class Heartbeat implements Work {
    private static final Logger LOG = Logger.getLogger(Heartbeat.class.getName());

    /**
     * Pooled connections unused for three heartbeats are closed: those that readers polling at
     * their fallback interval (5 s by default) and this task reuse stay, a burst's extra ones go.
     */
    static final int IDLE_HEARTBEATS = 3;

    private final PgmqBusResourceAdapter ra;
    private final Outage outage = new Outage(LOG, "pgmq-bus heartbeat");
    private final LongSupplier clock;
    /** When the heartbeats started to succeed without a failure since ({@link System#nanoTime()}), or null during an outage. */
    private Long healthySince;
    /** When the archives were last pruned ({@link System#nanoTime()}), or null before the first time. */
    private Long prunedAt;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);

    Heartbeat(PgmqBusResourceAdapter ra, LongSupplier clock) {
        this.ra = ra;
        this.clock = clock;
    }

    @Override
    public void run() {
        long period = ra.settings().heartbeatSeconds() * 1000L;
        try {
            while (!stopping.await(period, TimeUnit.MILLISECONDS)) {
                try {
                    beat();
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.SEVERE, "pgmq-bus heartbeat failed; it goes on at the next period", e);
                }
            }
        } catch (InterruptedException e) {
            if (stopping.getCount() > 0) {
                LOG.warning("pgmq-bus heartbeat was interrupted and ends: this node's subscriptions are no longer"
                        + " kept alive and its peers reap them after their lease");
            }
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    @Override
    public void release() {
        stopping.countDown();
    }

    /** Stops the loop and waits up to {@code millis} for it to end. */
    boolean stop(long millis) throws InterruptedException {
        release();
        return finished.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Deletes old archived messages when retention is set and its interval has passed since the last time. */
    private void pruneArchives(java.sql.Connection c, long now) {
        Settings settings = ra.settings();
        if (settings.archiveRetentionSeconds() <= 0
                || prunedAt != null && now - prunedAt < TimeUnit.SECONDS.toNanos(settings.archivePruneIntervalSeconds())) {
            return;
        }
        long deleted = ra.busBackend().pruneArchives(c, Duration.ofSeconds(settings.archiveRetentionSeconds()));
        prunedAt = now;
        if (deleted > 0) {
            LOG.info("pgmq-bus: deleted " + deleted + " archived messages older than " + settings.archiveRetentionSeconds() + " s");
        }
    }

    /** One heartbeat. */
    void beat() {
        List<Activation> activations = ra.activations();
        List<Subscription> mine = new ArrayList<>();
        for (Activation a : activations) {
            Subscription s = a.subscription();
            if (s != null) {
                mine.add(s);
            }
        }
        try {
            Set<String> gone = ra.connections().withConnection(c -> {
                Set<String> missing = mine.isEmpty() ? Set.of() : ra.busBackend().heartbeat(c, mine);
                long now = clock.getAsLong();
                if (healthySince == null) {
                    healthySince = now;
                }
                ra.wakeUps().check(c);
                List<String> reaped = ra.busBackend().reapExpired(c, Duration.ofNanos(now - healthySince));
                if (!reaped.isEmpty()) {
                    LOG.info("pgmq-bus: reaped " + reaped.size() + " dead subscriptions: " + reaped);
                }
                pruneArchives(c, now);
                return missing;
            });
            outage.succeeded();
            for (Activation a : activations) {
                Subscription s = a.subscription();
                if (s != null && gone.contains(s.queueName())) {
                    a.subscriptionLost(s, "the heartbeat found it unregistered: reaped by another node, or dropped");
                }
            }
        } catch (RuntimeException e) {
            healthySince = null;
            outage.failed(e);
        }
        ra.connections().closeIdle(IDLE_HEARTBEATS * ra.settings().heartbeatSeconds() * 1000L);
    }
}
