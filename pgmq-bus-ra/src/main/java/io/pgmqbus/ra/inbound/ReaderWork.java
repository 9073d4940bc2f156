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
 * The reader loop of one activation, run as container {@link Work}. It reads only as many messages
 * as it has free sessions for (a message never waits, invisible, for a thread), then waits on the
 * client side — for a wake-up from the LISTEN connection, or at most {@code maxPollSeconds} (the
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

    private boolean stopping() {
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

    private void readOnce() throws InterruptedException, WorkException {
        Subscription s = activation.joined();
        int capacity = freeSessions();
        if (capacity == 0) {
            return;
        }
        PgmqBusActivationSpec spec = activation.spec();
        int wanted = Math.min(spec.getBatchSize(), capacity);
        List<QueuedMessage> batch = activation.withConnection(
                c -> activation.context().backend().read(c, s, spec.getVisibilityTimeout(), wanted));
        outage.succeeded();
        for (int i = 0; i < batch.size(); i++) {
            QueuedMessage m = batch.get(i);
            if (stopping() || !activation.sessions().tryAcquire()) {
                handBack(s, batch.subList(i, batch.size()));
                return;
            }
            activation.dispatch(s, m);
        }
        if (batch.size() < wanted) {
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

    /** Makes messages that were read but will not be delivered now visible again at once. */
    private void handBack(Subscription s, List<QueuedMessage> messages) {
        activation.withConnection(c -> {
            for (QueuedMessage m : messages) {
                activation.context().backend().release(c, s, m.msgId(), 0);
            }
            return null;
        });
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
