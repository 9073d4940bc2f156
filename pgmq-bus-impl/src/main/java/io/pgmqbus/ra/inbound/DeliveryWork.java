// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.api.BusBatchListener;
import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import io.pgmqbus.ra.backend.QueuedMessage;
import io.pgmqbus.ra.backend.Subscription;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.work.Work;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.XAConnection;

/**
 * Deliveries on one session: a message, then the messages waiting for a session, one after the
 * other on this thread, then the session is free. A message is acknowledged only after
 * {@code onMessage} returned normally: when the bean is transacted, in the delivery transaction's
 * branch as it completes (registered only while the branch is live, so a rollback, a timeout's
 * included, undoes or prevents it; see {@link TrackingXAResource}), otherwise right after
 * {@code afterDelivery}. Any failure before, around or after {@code onMessage} is a failed
 * delivery, settled by {@link Settlement}.
 */
final class DeliveryWork implements Work {
    static final Method ON_MESSAGE;
    static final Method ON_MESSAGES;

    static {
        try {
            ON_MESSAGE = BusMessageListener.class.getMethod("onMessage", BusMessage.class);
            ON_MESSAGES = BusBatchListener.class.getMethod("onMessages", List.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final Logger LOG = Logger.getLogger(DeliveryWork.class.getName());

    private final Activation activation;
    private final List<Held> first;

    DeliveryWork(Activation activation, List<Held> first) {
        this.activation = activation;
        this.first = first;
    }

    @Override
    public void run() {
        try {
            for (List<Held> held = first; !held.isEmpty(); held = activation.nextWaitingBatch()) {
                if (activation.batch()) {
                    deliverBatch(held);
                } else {
                    held.forEach(this::deliver);
                }
            }
        } finally {
            activation.sessions().give();
        }
    }

    /**
     * One call of {@code onMessages} with every message the bean wants (others are acknowledged
     * unseen, exhausted ones dead-lettered), acknowledged together; when that fails, each message
     * again on its own, so that only the one that fails alone is retried.
     */
    private void deliverBatch(List<Held> held) {
        List<Held> wanted = new ArrayList<>();
        for (Held h : held) {
            try {
                QueuedMessage m = h.message;
                DeliveredMessage message = message(h);
                if (!activation.wants(message.getHeader("channel"), message.getType())) {
                    activation.leases().letGo(h);
                    activation.settlement().acknowledge(h.subscription, m);
                } else if (activation.settlement().deadLetterIfExhausted(h.subscription, m)) {
                    activation.leases().letGo(h);
                } else {
                    wanted.add(h);
                }
            } catch (RuntimeException e) {
                activation.leases().letGo(h);
                activation.settlement().failed(h.subscription, h.message, e);
            }
        }
        if (wanted.size() <= 1) {
            wanted.forEach(this::deliver);
            return;
        }
        Subscription s = wanted.get(0).subscription;
        try {
            List<BusMessage> messages = wanted.stream().map(h -> (BusMessage) message(h)).toList();
            List<Long> ids = wanted.stream().map(h -> h.message.msgId()).toList();
            activation.stats().addDelivered(wanted.size());
            boolean acknowledged = invoke(messages, ON_MESSAGES, listener -> ((BusBatchListener) listener).onMessages(messages),
                    "acknowledging " + ids.size() + " messages of queue " + s.queueName(),
                    new BranchAcknowledgement(activation.context().backend(), s, ids));
            wanted.forEach(activation.leases()::letGo);
            if (!acknowledged) {
                activation.settlement().acknowledgeAll(s, wanted.stream().map(h -> h.message).toList());
            }
            activation.stats().addAcknowledged(wanted.size());
        } catch (Throwable t) {
            activation.stats().addFailed();
            LOG.fine(() -> "pgmq-bus: a batch of " + wanted.size() + " messages of queue " + s.queueName()
                    + " failed; delivering them one by one: " + t);
            wanted.forEach(this::deliver);
        }
    }

    private static DeliveredMessage message(Held h) {
        QueuedMessage m = h.message;
        return new DeliveredMessage(m.msgId(), h.subscription.channel(), m.message(), m.headers(), m.enqueuedAt(),
                m.readCount());
    }

    private void deliver(Held h) {
        Subscription s = h.subscription;
        QueuedMessage m = h.message;
        Settlement settlement = activation.settlement();
        Throwable failure = null;
        boolean acknowledged = false;
        try {
            DeliveredMessage message = message(h);
            if (!activation.wants(message.getHeader("channel"), message.getType())) {
                activation.leases().letGo(h);
                settlement.acknowledge(s, m);
                return;
            }
            if (settlement.deadLetterIfExhausted(s, m)) {
                activation.leases().letGo(h);
                return;
            }
            activation.stats().addDelivered(1);
            BranchAcknowledgement acknowledgement = new BranchAcknowledgement(activation.context().backend(), s,
                    List.of(m.msgId()));
            acknowledged = activation.batch()
                    ? invoke(List.of(message), ON_MESSAGES, listener -> ((BusBatchListener) listener).onMessages(List.of(message)),
                            acknowledging(s, m), acknowledgement)
                    : invoke(List.of(message), ON_MESSAGE, listener -> ((BusMessageListener) listener).onMessage(message),
                            acknowledging(s, m), acknowledgement);
        } catch (Throwable t) {
            failure = t;
        }
        activation.leases().letGo(h);
        if (failure != null) {
            activation.stats().addFailed();
            settlement.failed(s, m, failure);
            return;
        }
        if (!acknowledged) {
            settlement.acknowledge(s, m);
        }
        activation.stats().addAcknowledged(1);
    }

    private static String acknowledging(Subscription s, QueuedMessage m) {
        return "acknowledging message " + m.msgId() + " of queue " + s.queueName();
    }

    /**
     * Calls the endpoint; for a transacted bean, has its branch acknowledge once the call returned,
     * as the branch completes (with the commit when it commits in one phase).
     *
     * @return true when acknowledged (transacted and committed), false when the caller acknowledges
     * @throws Throwable whatever failed: the container, the bean, the acknowledgement, or the commit
     */
    private boolean invoke(List<? extends BusMessage> messages, Method method, java.util.function.Consumer<Object> call,
                           String acknowledging, BranchAcknowledgement acknowledgement) throws Throwable {
        PgmqBusActivationSpec spec = activation.spec();
        boolean transacted = activation.transacted();
        XAConnection xa = transacted ? activation.context().connections().borrow() : null;
        Throwable failure = null;
        try {
            TrackingXAResource branch = transacted ? new TrackingXAResource(xa) : null;
            MessageEndpoint endpoint = activation.factory().createEndpoint(branch);
            try {
                endpoint.beforeDelivery(method);
                try {
                    // traced once the container has put the bean's application on the thread (JCA:
                    // its class loader from beforeDelivery on), so that its SDK can be found
                    activation.context().tracing().process(spec.getChannel(), spec.getSubscription(), messages, () -> {
                        call.accept(endpoint);
                        if (transacted) {
                            branch.acknowledgeAtCompletion(acknowledging, acknowledgement);
                        }
                        return null;
                    });
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
