// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import io.pgmqbus.ra.backend.QueuedMessage;
import io.pgmqbus.ra.backend.Subscription;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.work.Work;
import java.lang.reflect.Method;
import javax.sql.XAConnection;

/**
 * Deliveries on one session: a message, then the messages waiting for a session, one after the
 * other on this thread, then the session is free. A message is acknowledged only after
 * {@code onMessage} returned normally: inside the delivery transaction's live branch when the bean
 * is transacted (so a rollback, a timeout's included, undoes it), otherwise right after
 * {@code afterDelivery}. Any failure before, around or after {@code onMessage} is a failed
 * delivery, settled by {@link Settlement}.
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

    private final Activation activation;
    private final Held first;

    DeliveryWork(Activation activation, Held first) {
        this.activation = activation;
        this.first = first;
    }

    @Override
    public void run() {
        try {
            for (Held h = first; h != null; h = activation.nextWaiting()) {
                deliver(h);
            }
        } finally {
            activation.sessions().give();
        }
    }

    private void deliver(Held h) {
        Subscription s = h.subscription;
        QueuedMessage m = h.message;
        Settlement settlement = activation.settlement();
        Throwable failure = null;
        boolean acknowledged = false;
        try {
            DeliveredMessage message = new DeliveredMessage(m.msgId(), s.channel(), m.message(), m.headers(),
                    m.enqueuedAt(), m.readCount());
            if (!activation.wants(message.getHeader("channel"), message.getType())) {
                activation.leases().letGo(h);
                settlement.acknowledge(s, m);
                return;
            }
            if (settlement.deadLetterIfExhausted(s, m)) {
                activation.leases().letGo(h);
                return;
            }
            acknowledged = invoke(s, m, message);
        } catch (Throwable t) {
            failure = t;
        }
        activation.leases().letGo(h);
        if (failure != null) {
            settlement.failed(s, m, failure);
        } else if (!acknowledged) {
            settlement.acknowledge(s, m);
        }
    }

    /**
     * Calls the endpoint; for a transacted bean, acknowledges in its branch after {@code onMessage}.
     *
     * @return true when acknowledged (transacted and committed), false when the caller acknowledges
     * @throws Throwable whatever failed: the container, the bean, the acknowledgement, or the commit
     */
    private boolean invoke(Subscription s, QueuedMessage m, DeliveredMessage message) throws Throwable {
        boolean transacted = activation.transacted();
        XAConnection xa = transacted ? activation.context().connections().borrow() : null;
        Throwable failure = null;
        try {
            TrackingXAResource branch = transacted ? new TrackingXAResource(xa.getXAResource()) : null;
            MessageEndpoint endpoint = activation.factory().createEndpoint(branch);
            try {
                endpoint.beforeDelivery(ON_MESSAGE);
                try {
                    ((BusMessageListener) endpoint).onMessage(message);
                    if (transacted) {
                        branch.inLiveBranch("acknowledging message " + m.msgId() + " of queue " + s.queueName(),
                                c -> activation.context().backend().acknowledge(c, s, m.msgId()), xa.getConnection());
                    }
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    try {
                        endpoint.afterDelivery();
                    } catch (Throwable t) {
                        if (failure == null) {
                            failure = t;
                        } else {
                            failure.addSuppressed(t);
                        }
                    }
                }
            } finally {
                endpoint.release();
            }
            if (failure == null && transacted && !branch.wasCommitted()) {
                failure = new IllegalStateException("the delivery transaction rolled back");
            }
            if (failure != null) {
                throw failure;
            }
            return transacted;
        } catch (Throwable t) {
            failure = t;
            throw t;
        } finally {
            if (xa != null) {
                activation.context().connections().release(xa, failure);
            }
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

    @Override
    public void release() {
        // a delivery in progress finishes; the adapter waits for it with a time limit
    }
}
