// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.api.BusException;
import io.pgmqbus.ra.backend.QueuedMessage;
import io.pgmqbus.ra.backend.Subscription;
import jakarta.resource.spi.work.Work;
import jakarta.resource.spi.work.WorkException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The reader loop of one activation, run as container {@link Work}: a loop around one step
 * ({@link #step()}). A step keeps the leases of what the activation holds, gives waiting messages
 * to free sessions, reads up to {@code batchSize} messages (those beyond the free sessions wait in
 * {@link Sessions}), then waits on the client side — for a wake-up from the LISTEN connection, at
 * most {@code maxPollSeconds} (the poll interval when notifications are off or down), and never
 * past the next lease extension. A database outage is logged once and retried with back-off; a
 * queue that is gone is joined again; the loop never dies of an exception.
 */
final class ReaderWork implements Work {
    private static final Logger LOG = Logger.getLogger(ReaderWork.class.getName());
    /** Longest wait for a free session in one step, so leases and a stop are seen in time. */
    private static final long SESSION_WAIT_MS = 200;

    private final Activation activation;
    private final Waiter waiter = new Waiter();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Outage outage;
    private final String who;

    ReaderWork(Activation activation) {
        this.activation = activation;
        String durable = activation.spec().getSubscription();
        this.who = "pgmq-bus reader of channel '" + activation.spec().getChannel() + "'"
                + (durable == null ? " (ephemeral)" : ", subscription '" + durable + "'");
        this.outage = new Outage(LOG, who);
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
                    step();
                } catch (BusException e) {
                    Subscription s = activation.subscription();
                    if (s != null && activation.context().backend().queueGone(e)) {
                        activation.subscriptionLost(s, "reading failed: " + e.getMessage());
                    } else if (!stopping() && backOff(e)) {
                        break;
                    }
                } catch (WorkException e) {
                    if (!stopping() && backOff(e)) {
                        break;
                    }
                } catch (RuntimeException | Error e) {
                    LOG.log(Level.SEVERE, who + " failed; it goes on after a pause", e);
                    if (stopping.await(Outage.MAX_BACKOFF_MS, TimeUnit.MILLISECONDS)) {
                        break;
                    }
                }
            }
        } catch (InterruptedException e) {
            if (!stopping()) {
                LOG.warning(who + " (" + activation.name() + ") was interrupted and ends: the"
                        + " activation receives nothing more until it is redeployed; what it holds comes back after"
                        + " the visibility timeout");
            }
            Thread.currentThread().interrupt();
        } finally {
            activation.stats().state(ActivationStats.ReaderState.STOPPED);
            finished.countDown();
        }
    }

    /** Waits out an outage's back-off; true when stopped meanwhile. */
    private boolean backOff(Exception e) throws InterruptedException {
        activation.stats().state(ActivationStats.ReaderState.OUTAGE);
        return stopping.await(outage.failed(e), TimeUnit.MILLISECONDS);
    }

    /** One round of the loop. */
    private void step() throws InterruptedException, WorkException {
        Subscription s = activation.joined();
        activation.leases().extendDue(activation.context().connections(), activation.context().backend());
        if (activation.paused()) {
            activation.handBack(activation.sessions().takeWaiting());
            activation.stats().state(ActivationStats.ReaderState.PAUSED);
            waiter.await(Math.min(SESSION_WAIT_MS * 5, Math.max(1, activation.leases().millisUntilDue())));
            return;
        }
        activation.stats().state(ActivationStats.ReaderState.WAITING);
        if (!activation.sessions().awaitFree(SESSION_WAIT_MS)) {
            return; // every session busy: a finishing delivery takes the next waiting message itself
        }
        dispatchWaiting();
        if (stopping() || activation.sessions().hasWaiting()) {
            return;
        }
        PgmqBusActivationSpec spec = activation.spec();
        int per = activation.deliveryBatch();
        int wanted = Math.max(spec.getBatchSize(), per);
        List<Held> held = read(s, wanted);
        outage.succeeded();
        if (activation.batch() && !held.isEmpty() && held.size() < per && spec.getDeliveryBatchWaitMs() > 0) {
            topUp(s, held, per, spec.getDeliveryBatchWaitMs());
        }
        for (int i = 0; i < held.size(); i += per) {
            List<Held> chunk = held.subList(i, Math.min(held.size(), i + per));
            if (stopping()) {
                activation.handBack(held.subList(i, held.size()));
                return;
            }
            if (!activation.sessions().tryTake()) {
                chunk.forEach(activation.sessions()::keep);
                continue;
            }
            try {
                activation.dispatch(List.copyOf(chunk));
            } catch (WorkException e) {
                activation.handBack(held.subList(i, held.size()));
                throw e;
            }
        }
        // with messages kept, the next round starts as soon as a session is free (it may have
        // freed up between the last tryTake and the keep, without seeing the message)
        if (held.size() < wanted && !activation.sessions().hasWaiting()) {
            activation.stats().state(ActivationStats.ReaderState.WAITING);
            activation.stats().waited(waiter.await(Math.min(waitMillis(), Math.max(1, activation.leases().millisUntilDue()))));
        }
    }

    /** Reads up to {@code quantity} messages and holds them (their leases kept from now on). */
    private List<Held> read(Subscription s, int quantity) {
        activation.stats().state(ActivationStats.ReaderState.READING);
        List<QueuedMessage> read = activation.context().connections().withConnection(
                c -> activation.context().backend().read(c, s, activation.spec().getVisibilityTimeout(), quantity));
        activation.stats().read();
        List<Held> held = new ArrayList<>(read.size());
        read.forEach(m -> held.add(activation.leases().hold(s, m)));
        return held;
    }

    /** For a batch listener: waits up to {@code waitMs} for more messages, adding them to {@code held}, until {@code per}. */
    private void topUp(Subscription s, List<Held> held, int per, long waitMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        for (long left = waitMs; held.size() < per && left > 0 && !stopping();
             left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())) {
            waiter.await(left);
            try {
                held.addAll(read(s, per - held.size()));
            } catch (BusException e) {
                activation.handBack(held); // what was read is not lost to the failure
                throw e;
            }
        }
    }

    /** Gives the waiting messages to free sessions. */
    private void dispatchWaiting() throws WorkException {
        while (activation.sessions().hasWaiting() && activation.sessions().tryTake()) {
            List<Held> chunk = activation.nextWaitingBatch();
            if (chunk.isEmpty()) {
                activation.sessions().give();
                return;
            }
            try {
                activation.dispatch(chunk);
            } catch (WorkException e) {
                List<Held> back = new ArrayList<>(chunk);
                back.addAll(activation.sessions().takeWaiting());
                activation.handBack(back);
                throw e;
            }
        }
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
            LOG.warning(who + " did not stop within " + millis + " ms");
        }
        return done;
    }
}
