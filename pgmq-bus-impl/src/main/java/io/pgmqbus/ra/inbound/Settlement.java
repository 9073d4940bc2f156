// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.api.BusException;
import io.pgmqbus.ra.ConnectionSource;
import io.pgmqbus.ra.Json;
import io.pgmqbus.ra.backend.QueuedMessage;
import io.pgmqbus.ra.backend.Subscription;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * What becomes of a message after its delivery, in one place: acknowledged after a success,
 * handed back with its back-off after a failure, dead-lettered once {@code maxDeliveries}
 * deliveries failed (each on a connection of its own, outside any transaction). Only deliveries
 * count: the read count of a message is the number of its deliveries, this one included, because
 * reads that delivered nothing are handed back uncounted.
 */
final class Settlement {
    private static final Logger LOG = Logger.getLogger(Settlement.class.getName());

    private final PgmqBusActivationSpec spec;
    private final InboundContext context;
    private final ActivationStats stats;
    /** Acknowledgements waiting for the one being written; guarded by itself. */
    private final Map<Subscription, List<QueuedMessage>> queued = new LinkedHashMap<>();
    /** Whether a session is writing acknowledgements, and how many; guarded by {@link #queued}. */
    private boolean writing;
    private int beingWritten;

    Settlement(PgmqBusActivationSpec spec, InboundContext context, ActivationStats stats) {
        this.spec = spec;
        this.context = context;
        this.stats = stats;
    }

    /** Whether {@code deliveries} failed deliveries use up the message's chances. */
    private boolean exhausted(int deliveries) {
        return deliveries >= spec.getMaxDeliveries();
    }

    /**
     * Dead-letters a message whose earlier deliveries already used up its chances (their failures
     * could not be recorded, e.g. the node died): true when it did, and the message is not delivered.
     */
    boolean deadLetterIfExhausted(Subscription s, QueuedMessage m) {
        int earlier = m.readCount() - 1;
        if (!exhausted(earlier)) {
            return false;
        }
        deadLetter(s, m, "delivered " + earlier + " times (maxDeliveries " + spec.getMaxDeliveries() + ") without success");
        return true;
    }

    /**
     * Acknowledges a message outside any transaction (a non-transacted bean, or one it does not
     * want). The acknowledgements of sessions that finish while another session's acknowledgement
     * is being written are queued and written together, in one statement per queue, by that
     * session as soon as its own is done: the others go on delivering at once. Nothing is
     * acknowledged before its delivery succeeded; a node that dies with acknowledgements queued
     * delivers those messages again (at least once), as one that died just before acknowledging.
     */
    void acknowledge(Subscription s, QueuedMessage m) {
        synchronized (queued) {
            queued.computeIfAbsent(s, k -> new ArrayList<>()).add(m);
            if (writing) {
                return;
            }
            writing = true;
        }
        try {
            while (true) {
                Map<Subscription, List<QueuedMessage>> round;
                synchronized (queued) {
                    beingWritten = count(queued);
                    if (beingWritten == 0) {
                        writing = false;
                        return;
                    }
                    round = new LinkedHashMap<>(queued);
                    queued.clear();
                }
                round.forEach((sub, messages) -> {
                    if (messages.size() == 1) {
                        QueuedMessage one = messages.get(0);
                        settle("acknowledge", sub, one, c -> context.backend().acknowledge(c, sub, one.msgId()));
                    } else {
                        acknowledgeAll(sub, messages);
                    }
                });
            }
        } catch (RuntimeException | Error e) {
            synchronized (queued) {
                writing = false; // whoever acknowledges next writes what is queued
                beingWritten = 0;
            }
            throw e;
        }
    }

    /** How many acknowledgements are being written or wait for the next statement (see {@link #acknowledge}). */
    int acknowledgementsPending() {
        synchronized (queued) {
            return beingWritten + count(queued);
        }
    }

    private static int count(Map<Subscription, List<QueuedMessage>> acknowledgements) {
        return acknowledgements.values().stream().mapToInt(List::size).sum();
    }

    /** Acknowledges several messages of one subscription outside any transaction, in one statement. */
    void acknowledgeAll(Subscription s, List<QueuedMessage> messages) {
        try {
            context.connections().withConnection(c -> context.backend().acknowledgeAll(c, s,
                    messages.stream().map(QueuedMessage::msgId).toList()));
        } catch (BusException e) {
            LOG.warning("pgmq-bus: could not acknowledge " + messages.size() + " messages of queue " + s.queueName()
                    + "; they come back after their visibility timeout: " + e.getMessage());
        }
    }

    /** A failed delivery: the message comes back after its back-off, or is dead-lettered after the last one. */
    void failed(Subscription s, QueuedMessage m, Throwable failure) {
        String error = DeliveryWork.describe(failure);
        if (exhausted(m.readCount())) {
            LOG.log(Level.WARNING, "pgmq-bus: message " + m.msgId() + " of queue " + s.queueName() + " on channel '"
                    + s.channel() + "' failed " + m.readCount() + " deliveries; dead-lettering it: " + error);
            deadLetter(s, m, error);
        } else {
            LOG.log(Level.FINE, "pgmq-bus: delivery " + m.readCount() + " of message " + m.msgId()
                    + " failed; it comes back after its back-off", failure);
            int backoff = spec.backoffSeconds(m.readCount());
            stats.addRetried();
            settle("retry", s, m, c -> context.backend().release(c, s, m.msgId(), backoff));
        }
    }

    void deadLetter(Subscription s, QueuedMessage m, String error) {
        stats.addDeadLettered();
        settle("dead-letter", s, m, c -> {
            deadLetter(c, s, m, error);
            return null;
        });
    }

    /** Makes messages that were read but not delivered visible again at once, uncounted, in one statement. */
    void handBack(Subscription s, Collection<QueuedMessage> messages) {
        if (messages.isEmpty()) {
            return;
        }
        try {
            context.connections().withConnection(c -> context.backend().handBack(c, s, messages));
        } catch (BusException e) {
            LOG.warning("pgmq-bus: could not hand back " + messages.size() + " read messages of queue " + s.queueName()
                    + "; they come back after their visibility timeout: " + e.getMessage());
        }
    }

    private void settle(String what, Subscription s, QueuedMessage m, ConnectionSource.SqlWork<?> work) {
        try {
            context.connections().withConnection(work);
        } catch (BusException e) {
            LOG.warning("pgmq-bus: could not " + what + " message " + m.msgId() + " of queue " + s.queueName()
                    + "; it comes back after its visibility timeout: " + e.getMessage());
        }
    }

    /**
     * To the dead-letter channel when one is set and it has a subscriber (published and
     * acknowledged in one transaction); otherwise, or when nobody subscribes to that channel, to
     * the subscription's dead-letter queue: a message is acknowledged as dead only once its copy is stored.
     */
    private void deadLetter(Connection c, Subscription s, QueuedMessage m, String error) throws SQLException {
        String channel = spec.getDeadLetterChannel();
        if (channel != null && !channel.isEmpty()) {
            c.setAutoCommit(false);
            try {
                List<Long> copies = context.backend().publish(c, channel, m.message(), deadLetterHeaders(s, m, channel, error), 0);
                if (!copies.isEmpty()) {
                    context.backend().acknowledge(c, s, m.msgId());
                    c.commit();
                    return;
                }
                c.rollback();
                LOG.warning("pgmq-bus: dead-letter channel '" + channel + "' has no subscriber; message " + m.msgId()
                        + " of queue " + s.queueName() + " goes to the subscription's dead-letter queue instead");
            } finally {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            }
        }
        context.backend().deadLetter(c, s, m.msgId(), error);
    }

    private static String deadLetterHeaders(Subscription s, QueuedMessage m, String channel, String error) {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("channel", channel);
        extra.put("x-dead-letter", Json.objectBuilder().add("error", error).add("channel", s.channel())
                .add("queue", s.queueName()).add("read_ct", m.readCount())
                .add("dead_lettered_at", Instant.now().toString()).build());
        if (m.headers() != null && !Json.isObject(m.headers())) {
            extra.put("x-original-headers", Json.value(m.headers()));
        }
        return Json.merge(m.headers(), extra);
    }
}
