// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.api.BusException;
import io.pgmqbus.ra.backend.QueuedMessage;
import io.pgmqbus.ra.backend.Subscription;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The reader loop of one activation, run as container {@link Work}. It reads when a session is
 * free, up to {@code batchSize} messages (those beyond the free sessions wait in memory, see
 * {@link Activation#nextPrefetched()}), then waits on the client side — for a wake-up from the LISTEN connection, or at most {@code maxPollSeconds} (the
 * poll interval when notifications are off or down). A database outage is logged once and retried
 * with back-off; the loop never dies of an exception.
 */
final class ReaderWork implements Work {
    private static final Logger LOG = Logger.getLogger(ReaderWork.class.getName());

    private final Activation activation;
    private final Waiter waiter = new Waiter();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Outage outage;

    ReaderWork(Activation activation) {
        this.activation = activation;
        this.outage = new Outage(LOG, "pgmq-bus reader of channel '" + activation.spec().getChannel() + "'");
    }

    Waiter waiter() {
        return waiter;
    }

    boolean stopping() {
        return stopping.getCount() == 0;
    }

    @Override
    public void run() {
        try {
            while (!stopping()) {
                try {
                    readOnce();
                } catch (BusException | WorkException e) {
                    if (!stopping() && stopping.await(outage.failed(e), TimeUnit.MILLISECONDS)) {
                        break;
                    }
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.SEVERE, "pgmq-bus reader of channel '" + activation.spec().getChannel()
                            + "' failed; it goes on after a pause", e);
                    if (stopping.await(Outage.MAX_BACKOFF_MS, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    /**
     * One round: messages read before go to free sessions first; then up to {@code batchSize} are
     * read, those beyond the free sessions kept for the next session that frees up (a finished
     * delivery takes the next one itself, without a new read or a new work).
     */
    private void readOnce() throws InterruptedException, WorkException {
        Subscription s = activation.joined();
        if (freeSessions() == 0) {
            return;
        }
        while (activation.hasPrefetched()) {
            if (!activation.sessions().tryAcquire()) {
                return; // every session busy: they take the prefetched messages themselves
            }
            Activation.Prefetched p = activation.nextPrefetched();
            if (p == null) {
                activation.sessions().release();
                break;
            }
            activation.dispatch(p.subscription(), p.message());
        }
        if (stopping()) {
            return;
        }
        PgmqBusActivationSpec spec = activation.spec();
        int wanted = spec.getBatchSize();
        List<QueuedMessage> batch = activation.withConnection(
                c -> activation.context().backend().read(c, s, spec.getVisibilityTimeout(), wanted));
        outage.succeeded();
        for (int i = 0; i < batch.size(); i++) {
            QueuedMessage m = batch.get(i);
            if (stopping()) {
                activation.handBack(s, batch.subList(i, batch.size()));
                return;
            }
            if (activation.sessions().tryAcquire()) {
                activation.dispatch(s, m);
            } else {
                activation.prefetch(s, m);
            }
        }
        // with messages kept, the next round starts as soon as a session is free (it may have
        // freed up between the last tryAcquire and the prefetch, without seeing the message)
        if (batch.size() < wanted && !activation.hasPrefetched()) {
            waiter.await(waitMillis());
        }
    }

    /** Waits (bounded, so a stop is seen) until at least one session is free; returns how many are. */
    private int freeSessions() throws InterruptedException {
        if (activation.sessions().tryAcquire(200, TimeUnit.MILLISECONDS)) {
            activation.sessions().release();
            return activation.sessions().availablePermits();
        }
        return 0;
    }

    private long waitMillis() {
        PgmqBusActivationSpec spec = activation.spec();
        boolean notified = Boolean.TRUE.equals(spec.getNotifications()) && activation.context().wakeUps().listening();
        return notified ? spec.getMaxPollSeconds() * 1000L : spec.getPollIntervalMs();
    }

    @Override
    public void release() {
        stopping.countDown();
        waiter.wake();
    }

    /** Stops the loop and waits up to {@code millis} for it to end. */
    boolean stop(long millis) throws InterruptedException {
        release();
        boolean done = finished.await(millis, TimeUnit.MILLISECONDS);
        if (!done) {
            LOG.warning("pgmq-bus reader of channel '" + activation.spec().getChannel() + "' did not stop within "
                    + millis + " ms");
        }
        return done;
    }
}
