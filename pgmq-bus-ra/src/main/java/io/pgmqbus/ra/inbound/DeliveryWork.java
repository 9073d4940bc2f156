// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import io.pgmqbus.ra.backend.QueuedMessage;
import io.pgmqbus.ra.backend.Subscription;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.work.Work;
import java.lang.reflect.Method;
import java.sql.Connection;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.XAConnection;

/**
 * One delivery of one message to one endpoint instance. The message is acknowledged only after
 * {@code onMessage} returned normally: on the delivery transaction's own branch when the bean is
 * transacted (so a rollback undoes it), otherwise right after {@code afterDelivery}. A failed
 * delivery hands the message back with its back-off, or dead-letters it after {@code maxDeliveries}.
 */
final class DeliveryWork implements Work {
    static final Method ON_MESSAGE;

    static {
        try {
            ON_MESSAGE = BusMessageListener.class.getMethod("onMessage", BusMessage.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final Logger LOG = Logger.getLogger(DeliveryWork.class.getName());

    private final Activation activation;
    private final Subscription subscription;
    private final QueuedMessage queued;

    DeliveryWork(Activation activation, Subscription subscription, QueuedMessage queued) {
        this.activation = activation;
        this.subscription = subscription;
        this.queued = queued;
    }

    /** Delivers this message, then any prefetched ones (same session, same thread), then frees the session. */
    @Override
    public void run() {
        try {
            deliver();
            for (Activation.Prefetched p = activation.nextPrefetched(); p != null; p = activation.nextPrefetched()) {
                new DeliveryWork(activation, p.subscription(), p.message()).deliver();
            }
        } finally {
            activation.deliveryFinished();
        }
    }

    private void deliver() {
        DeliveredMessage message = new DeliveredMessage(queued.msgId(), subscription.channel(), queued.message(),
                queued.headers(), queued.enqueuedAt(), queued.readCount());
        if (!activation.wants(message.getHeader("channel"), message.getType())) {
            activation.settle(subscription, queued, Settlement.ACKNOWLEDGE, null);
            return;
        }
        int maxDeliveries = activation.spec().getMaxDeliveries();
        if (queued.readCount() > maxDeliveries) {
            activation.settle(subscription, queued, Settlement.DEAD_LETTER,
                    "delivered " + (queued.readCount() - 1) + " times (maxDeliveries " + maxDeliveries + ") without success");
            return;
        }
        boolean transacted = activation.transacted();
        XAConnection xa = null;
        Throwable failure = null;
        boolean acknowledged = false;
        try {
            TrackingXAResource branch = null;
            if (transacted) {
                xa = activation.context().connections().borrow();
                branch = new TrackingXAResource(xa.getXAResource());
            }
            MessageEndpoint endpoint = activation.factory().createEndpoint(branch);
            try {
                endpoint.beforeDelivery(ON_MESSAGE);
                try {
                    ((BusMessageListener) endpoint).onMessage(message);
                    if (transacted) {
                        Connection c = xa.getConnection();
                        activation.context().backend().acknowledge(c, subscription, queued.msgId());
                    }
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    endpoint.afterDelivery();
                }
            } finally {
                endpoint.release();
            }
            if (failure == null && transacted && !branch.wasCommitted()) {
                failure = new IllegalStateException("the delivery transaction rolled back");
            }
            acknowledged = failure == null && transacted;
        } catch (Throwable t) {
            if (failure == null) {
                failure = t;
            }
        } finally {
            if (xa != null) {
                activation.context().connections().release(xa, failure);
            }
        }
        if (failure == null && !acknowledged) {
            activation.settle(subscription, queued, Settlement.ACKNOWLEDGE, null);
        } else if (failure != null) {
            failed(failure, maxDeliveries);
        }
    }

    /**
     * A failed delivery as recorded with the message: the exception and its causes. Containers wrap
     * what the bean threw (Payara in an EJBException with a message of its own), so the bean's own
     * exception is usually a cause; a link that only repeats its cause is left out.
     */
    static String describe(Throwable failure) {
        StringBuilder text = new StringBuilder();
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
            Throwable cause = t.getCause();
            if (cause == null || t.getMessage() != null && !t.getMessage().equals(cause.toString())) {
                text.append(text.length() == 0 ? "" : "; caused by ").append(t.getClass().getName()).append(": ")
                        .append(t.getMessage());
            }
        }
        return text.toString();
    }

    private void failed(Throwable failure, int maxDeliveries) {
        String error = describe(failure);
        if (queued.readCount() >= maxDeliveries) {
            LOG.log(Level.WARNING, "pgmq-bus: message " + queued.msgId() + " of queue " + subscription.queueName()
                    + " on channel '" + subscription.channel() + "' failed " + queued.readCount()
                    + " deliveries; dead-lettering it: " + error);
            activation.settle(subscription, queued, Settlement.DEAD_LETTER, error);
        } else {
            LOG.log(Level.FINE, "pgmq-bus: delivery " + queued.readCount() + " of message " + queued.msgId()
                    + " failed; it comes back after its back-off", failure);
            activation.settle(subscription, queued, Settlement.RETRY, error);
        }
    }

    @Override
    public void release() {
        // a delivery in progress finishes; the adapter waits for it with a time limit
    }

    /** What happens to a message after its delivery. */
    enum Settlement { ACKNOWLEDGE, RETRY, DEAD_LETTER }
}
