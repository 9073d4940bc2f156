// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.api.BusException;
import io.pgmqbus.ra.ConnectionSource;
import io.pgmqbus.ra.Json;
import io.pgmqbus.ra.backend.QueuedMessage;
import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.inbound.DeliveryWork.Settlement;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.XAConnection;

/**
 * One endpoint activation: its subscription, its reader loop and up to {@code maxSessions}
 * concurrent deliveries. Stopping is bounded: the reader ends, in-flight deliveries get the rest of
 * the time limit, and an ephemeral subscription's queue is dropped.
 */
public final class Activation {
    private static final Logger LOG = Logger.getLogger(Activation.class.getName());

    private final PgmqBusActivationSpec spec;
    private final MessageEndpointFactory factory;
    private final InboundContext context;
    private final Semaphore sessions;
    private final Set<String> types;
    private final boolean transacted;
    private final ReaderWork reader;
    /** Messages read beyond the free sessions, for the next session that frees up (at most batchSize). */
    private final Queue<Prefetched> prefetched = new ConcurrentLinkedQueue<>();
    private volatile Subscription subscription;

    /** A message read but not yet delivered, and when it was read. */
    record Prefetched(Subscription subscription, QueuedMessage message, long readAtNanos) {
    }

    public Activation(PgmqBusActivationSpec spec, MessageEndpointFactory factory, InboundContext context)
            throws ResourceException {
        this.spec = spec;
        this.factory = factory;
        this.context = context;
        this.sessions = new Semaphore(spec.getMaxSessions());
        this.types = spec.messageTypeSet();
        try {
            this.transacted = factory.isDeliveryTransacted(DeliveryWork.ON_MESSAGE);
        } catch (NoSuchMethodException e) {
            throw new ResourceException("the endpoint does not implement BusMessageListener.onMessage", e);
        }
        this.reader = new ReaderWork(this);
    }

    /**
     * Joins the channel (now, so a database that refuses fails the deployment; if it is only
     * unreachable, the reader joins when it comes back) and starts the reader.
     */
    public void start() throws ResourceException {
        try {
            joined();
        } catch (BusException e) {
            if (!e.isConnectionFailure()) {
                throw new ResourceException("pgmq-bus: cannot join channel '" + spec.getChannel() + "': " + e.getMessage(), e);
            }
            LOG.warning("pgmq-bus: database unreachable while activating " + factory.getActivationName()
                    + " on channel '" + spec.getChannel() + "'; it joins when the database is back");
        }
        try {
            context.workManager().scheduleWork(reader);
        } catch (WorkException e) {
            throw new ResourceException("pgmq-bus: the container refused the reader work", e);
        }
    }

    /** The subscription, joining first if needed. */
    Subscription joined() {
        Subscription s = subscription;
        if (s == null) {
            s = withConnection(c -> context.backend().join(c, spec.getChannel(), spec.getSubscription(),
                    context.node(), context.leaseSeconds()));
            if (Boolean.TRUE.equals(spec.getNotifications())) {
                // with notifications off the reader polls at its interval, woken by nothing else
                context.wakeUps().register(s.queueName(), reader.waiter());
            }
            subscription = s;
            LOG.fine(() -> "pgmq-bus: " + factory.getActivationName() + " joined channel '" + spec.getChannel()
                    + "' with queue " + subscription.queueName());
        }
        return s;
    }

    /** The joined subscription, or {@code null} before the first successful join. */
    public Subscription subscription() {
        return subscription;
    }

    /**
     * Stops within {@code millis}: the reader ends, deliveries in flight finish (or are left to
     * their visibility timeout), and an ephemeral subscription is left (its queue dropped).
     *
     * @return true when everything finished in time
     */
    public boolean stop(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        boolean clean = reader.stop(millis);
        long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        if (sessions.tryAcquire(spec.getMaxSessions(), left, TimeUnit.MILLISECONDS)) {
            sessions.release(spec.getMaxSessions());
        } else {
            clean = false;
            LOG.warning("pgmq-bus: deliveries of " + factory.getActivationName() + " still running after "
                    + millis + " ms; their messages come back after the visibility timeout");
        }
        handBackPrefetched();
        Subscription s = subscription;
        if (s != null) {
            context.wakeUps().unregister(s.queueName());
            if (!s.durable()) {
                try {
                    withConnection(c -> {
                        context.backend().leave(c, s);
                        return null;
                    });
                } catch (BusException e) {
                    LOG.warning("pgmq-bus: could not leave channel '" + s.channel() + "' (queue " + s.queueName()
                            + "); it is reaped when its lease runs out: " + e.getMessage());
                }
            }
        }
        return clean;
    }

    /** Hands a read message to a delivery work; the caller holds a session permit for it. */
    void dispatch(Subscription s, QueuedMessage m) throws WorkException {
        try {
            context.workManager().scheduleWork(new DeliveryWork(this, s, m));
        } catch (WorkException e) {
            sessions.release();
            throw e;
        }
    }

    /**
     * Hands a message that never touched the database to one endpoint instance, when a session is
     * free within a second. Returns false when none was, or the container refused the work.
     */
    public boolean deliverLocally(String payload, String headers) {
        try {
            if (!sessions.tryAcquire(1, TimeUnit.SECONDS)) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        DeliveredMessage message = new DeliveredMessage(0, spec.getChannel(), payload, headers, Instant.now(), 1);
        try {
            context.workManager().scheduleWork(new LocalDelivery(this, message));
            return true;
        } catch (WorkException e) {
            sessions.release();
            return false;
        }
    }

    void deliveryFinished() {
        sessions.release();
    }

    /** Keeps a message that was read while every session was busy, for the next session that frees up. */
    void prefetch(Subscription s, QueuedMessage m) {
        prefetched.add(new Prefetched(s, m, System.nanoTime()));
    }

    boolean hasPrefetched() {
        return !prefetched.isEmpty();
    }

    /**
     * The next prefetched message to deliver, or null when there is none or the activation is
     * stopping. One that waited more than half its visibility timeout is handed back instead: it
     * may soon be visible to other readers again, and a delivery now could overlap theirs.
     */
    Prefetched nextPrefetched() {
        long limit = TimeUnit.SECONDS.toNanos(spec.getVisibilityTimeout()) / 2;
        for (Prefetched p = reader.stopping() ? null : prefetched.poll(); p != null; p = prefetched.poll()) {
            if (System.nanoTime() - p.readAtNanos() < limit) {
                return p;
            }
            handBack(p.subscription(), List.of(p.message()));
        }
        return null;
    }

    private void handBackPrefetched() {
        for (Prefetched p = prefetched.poll(); p != null; p = prefetched.poll()) {
            handBack(p.subscription(), List.of(p.message()));
        }
    }

    /** Makes messages that were read but will not be delivered now visible again at once. */
    void handBack(Subscription s, List<QueuedMessage> messages) {
        try {
            withConnection(c -> {
                for (QueuedMessage m : messages) {
                    context.backend().release(c, s, m.msgId(), 0);
                }
                return null;
            });
        } catch (BusException e) {
            LOG.warning("pgmq-bus: could not hand back " + messages.size() + " read messages of queue " + s.queueName()
                    + "; they come back after their visibility timeout: " + e.getMessage());
        }
    }

    /** Acknowledges, hands back for retry, or dead-letters a message, outside any transaction. */
    void settle(Subscription s, QueuedMessage m, Settlement settlement, String error) {
        try {
            withConnection(c -> {
                switch (settlement) {
                    case ACKNOWLEDGE -> context.backend().acknowledge(c, s, m.msgId());
                    case RETRY -> context.backend().release(c, s, m.msgId(), spec.backoffSeconds(m.readCount()));
                    case DEAD_LETTER -> deadLetter(c, s, m, error);
                }
                return null;
            });
        } catch (BusException e) {
            LOG.warning("pgmq-bus: could not " + settlement.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                    + " message " + m.msgId() + " of queue " + s.queueName() + "; it comes back after its visibility"
                    + " timeout: " + e.getMessage());
        }
    }

    private void deadLetter(Connection c, Subscription s, QueuedMessage m, String error) {
        String channel = spec.getDeadLetterChannel();
        if (channel == null || channel.isEmpty()) {
            context.backend().deadLetter(c, s, m.msgId(), error);
            return;
        }
        String headers = Json.merge(m.headers(), Map.of("channel", channel, "x-dead-letter", Json.objectBuilder()
                .add("error", error).add("channel", s.channel()).add("queue", s.queueName())
                .add("read_ct", m.readCount()).add("dead_lettered_at", Instant.now().toString()).build()));
        try {
            c.setAutoCommit(false);
            context.backend().publish(c, channel, m.message(), headers, 0);
            context.backend().acknowledge(c, s, m.msgId());
            c.commit();
        } catch (SQLException e) {
            throw new BusException("dead-lettering to channel '" + channel + "' failed: " + e.getMessage(), e.getSQLState(), e);
        } finally {
            try {
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            } catch (SQLException e) {
                LOG.log(Level.FINE, "restoring auto-commit failed", e);
            }
        }
    }

    /** Runs {@code work} on a pooled connection in auto-commit mode. */
    <T> T withConnection(Function<Connection, T> work) {
        ConnectionSource source = context.connections();
        XAConnection xa;
        try {
            xa = source.borrow();
        } catch (SQLException e) {
            throw new BusException("pgmq-bus: no database connection: " + e.getMessage(), e.getSQLState(), e);
        }
        Throwable failure = null;
        try {
            return work.apply(xa.getConnection());
        } catch (SQLException e) {
            failure = e;
            throw new BusException("pgmq-bus: database connection failed: " + e.getMessage(), e.getSQLState(), e);
        } catch (RuntimeException e) {
            failure = e;
            throw e;
        } finally {
            source.release(xa, failure);
        }
    }

    /**
     * Whether a message is for this bean: of a chosen type, and not published to another channel
     * (in the direct backend, channels whose names sanitize alike share queues, e.g. {@code a.b}
     * and {@code a_b}; the {@code channel} header tells them apart; a message without one, from
     * another PGMQ client, is taken).
     */
    boolean wants(String channel, String type) {
        if (channel != null && !channel.equals(spec.getChannel())) {
            return false;
        }
        return types.isEmpty() || (type != null && types.contains(type));
    }

    boolean transacted() {
        return transacted;
    }

    public PgmqBusActivationSpec spec() {
        return spec;
    }

    MessageEndpointFactory factory() {
        return factory;
    }

    InboundContext context() {
        return context;
    }

    Semaphore sessions() {
        return sessions;
    }
}
