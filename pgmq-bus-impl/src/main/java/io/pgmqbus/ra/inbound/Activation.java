// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.api.BusException;
import io.pgmqbus.ra.backend.Subscription;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * One endpoint activation: its subscription, its reader loop ({@link ReaderWork}), its sessions
 * and read-ahead ({@link Sessions}), the leases of what it holds ({@link Leases}) and the rules for
 * what becomes of a message ({@link Settlement}). Stopping is bounded: the reader ends, in-flight
 * deliveries get the rest of the time limit, and an ephemeral subscription's queue is dropped.
 */
public final class Activation {
    private static final Logger LOG = Logger.getLogger(Activation.class.getName());

    private final PgmqBusActivationSpec spec;
    private final MessageEndpointFactory factory;
    private final InboundContext context;
    private final Set<String> types;
    private final boolean transacted;
    /** Whether the bean is a BusBatchListener: several messages per call. */
    private final boolean batch;
    private final Sessions sessions;
    private final Leases leases;
    private final Settlement settlement;
    private final ReaderWork reader;
    private final ActivationStats stats = new ActivationStats();
    private volatile Subscription subscription;
    /** Paused by an operator: the reader reads nothing until resumed. */
    private volatile boolean paused;
    /** This activation's management bean, registered while it runs. */
    private volatile io.pgmqbus.ra.management.SubscriptionControl control;
    private final String name;

    public Activation(PgmqBusActivationSpec spec, MessageEndpointFactory factory, InboundContext context)
            throws ResourceException {
        this.spec = spec;
        this.factory = factory;
        this.context = context;
        this.types = spec.messageTypeSet();
        Class<?> endpoint = factory.getEndpointClass();
        this.name = name(factory.getActivationName(), endpoint);
        this.batch = endpoint != null && io.pgmqbus.api.BusBatchListener.class.isAssignableFrom(endpoint);
        try {
            this.transacted = factory.isDeliveryTransacted(batch ? DeliveryWork.ON_MESSAGES : DeliveryWork.ON_MESSAGE);
        } catch (NoSuchMethodException e) {
            throw new ResourceException("the endpoint implements neither BusMessageListener.onMessage nor"
                    + " BusBatchListener.onMessages", e);
        }
        this.sessions = new Sessions(spec.getMaxSessions());
        this.leases = new Leases(spec.getVisibilityTimeout(), spec.getMaxDeliverySeconds(),
                name + " (channel '" + spec.getChannel() + "')", System::nanoTime);
        this.settlement = new Settlement(spec, context, stats);
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
            LOG.warning("pgmq-bus: database unreachable while activating " + name
                    + " on channel '" + spec.getChannel() + "'; it joins when the database is back");
        }
        try {
            context.workManager().scheduleWork(reader);
        } catch (WorkException e) {
            throw new ResourceException("pgmq-bus: the container refused the reader work", e);
        }
        control = io.pgmqbus.ra.management.SubscriptionControl.register(this, context);
    }

    /** The subscription, joining first if needed. */
    synchronized Subscription joined() {
        Subscription s = subscription;
        if (s == null) {
            s = context.connections().withConnection(c -> context.backend().join(c, spec.getChannel(),
                    spec.getSubscription(), context.node(), context.leaseSeconds(), types));
            if (Boolean.TRUE.equals(spec.getNotifications())) {
                // with notifications off the reader polls at its interval, woken by nothing else
                context.wakeUps().register(s.wakeKey(), s.channel(), reader.waiter());
            }
            subscription = s;
            Subscription joined = s;
            LOG.fine(() -> "pgmq-bus: " + name + " joined channel '" + spec.getChannel()
                    + "' with queue " + joined.queueName());
        }
        return s;
    }

    /** The joined subscription, or {@code null} before the first successful join. */
    public Subscription subscription() {
        return subscription;
    }

    /**
     * The subscription's queue is gone (reaped by another node, left, or dropped): says so once and
     * joins again at the reader's next round, which this wakes.
     */
    public synchronized void subscriptionLost(Subscription lost, String how) {
        if (lost == null || subscription != lost) {
            return;
        }
        subscription = null;
        context.wakeUps().unregister(lost.wakeKey(), lost.channel(), reader.waiter());
        LOG.warning("pgmq-bus: the queue " + lost.queueName() + " of channel '" + lost.channel() + "' is gone (" + how
                + "); " + name + " joins the channel again");
        reader.waiter().wake();
    }

    /**
     * Stops within {@code millis}: the reader ends, deliveries in flight finish (or are left to
     * their visibility timeout), and an ephemeral subscription is left (its queue dropped).
     *
     * @return true when everything finished in time
     */
    public boolean stop(long millis) throws InterruptedException {
        io.pgmqbus.ra.management.SubscriptionControl registered = control;
        if (registered != null) {
            registered.unregister();
            control = null;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        boolean clean = reader.stop(millis);
        long left = Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        if (!sessions.awaitIdle(left)) {
            clean = false;
            LOG.warning("pgmq-bus: deliveries of " + name + " still running after "
                    + millis + " ms; their messages come back after the visibility timeout");
        }
        handBack(sessions.takeWaiting());
        Subscription s = subscription;
        if (s != null) {
            context.wakeUps().unregister(s.wakeKey(), s.channel(), reader.waiter());
            if (!s.durable()) {
                try {
                    context.connections().withConnection(c -> {
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

    /** Hands held messages (one, or a batch for a batch listener) to a new delivery work; the caller holds a session for it. */
    void dispatch(List<Held> held) throws WorkException {
        try {
            context.workManager().scheduleWork(new DeliveryWork(this, held));
        } catch (WorkException e) {
            sessions.give();
            throw e;
        }
    }

    /**
     * The next waiting message for a session that just finished a delivery, or null when there is
     * none or the activation is stopping. One held past its limit is handed back instead.
     */
    Held nextWaiting() {
        for (Held h = reader.stopping() || paused ? null : sessions.nextWaiting(); h != null; h = sessions.nextWaiting()) {
            if (!h.letGo) {
                return h;
            }
            handBack(List.of(h));
        }
        return null;
    }

    /**
     * The next waiting messages for one delivery (at most {@link #deliveryBatch()}, of one
     * subscription), or an empty list.
     */
    List<Held> nextWaitingBatch() {
        Held first = nextWaiting();
        if (first == null) {
            return List.of();
        }
        List<Held> chunk = new java.util.ArrayList<>(List.of(first));
        while (chunk.size() < deliveryBatch()) {
            Held next = nextWaiting();
            if (next == null) {
                break;
            }
            if (next.subscription != first.subscription) {
                sessions.keep(next); // of an earlier subscription: its own delivery
                break;
            }
            chunk.add(next);
        }
        return chunk;
    }

    /** How many messages one delivery takes: 1, or deliveryBatchSize for a batch listener. */
    int deliveryBatch() {
        return batch ? spec.getDeliveryBatchSize() : 1;
    }

    boolean batch() {
        return batch;
    }

    /** Makes held messages that were not delivered visible again at once, uncounted. */
    void handBack(List<Held> held) {
        held.forEach(leases::letGo);
        held.stream().collect(java.util.stream.Collectors.groupingBy(h -> h.subscription,
                        java.util.stream.Collectors.mapping(h -> h.message, java.util.stream.Collectors.toList())))
                .forEach(settlement::handBack);
    }

    /**
     * Hands a message that never touched the database to one endpoint instance, when a session is
     * free within a second. Returns false when none was, or the container refused the work.
     */
    public boolean deliverLocally(String payload, String headers) {
        try {
            if (!sessions.take(1000)) {
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
            sessions.give();
            return false;
        }
    }

    /**
     * Whether a message is for this bean: of a chosen type, and not published to another channel
     * (in the direct backend, channels whose names sanitize alike share queues, e.g. {@code a.b}
     * and {@code a_b}; the {@code channel} header tells them apart; a message without one, from
     * another PGMQ client, is taken). Publishers already skip subscriptions whose filter does not
     * want a type; this catches what other clients send straight to the queue.
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

    /**
     * Pauses the reader: it reads nothing more and hands back what it read and had not delivered
     * yet; deliveries running now finish. Subscriptions stay joined and their leases alive.
     */
    public void pause() {
        if (!paused) {
            paused = true;
            reader.waiter().wake();
            LOG.info("pgmq-bus: " + name + " on channel '" + spec.getChannel() + "' paused");
        }
    }

    /** Resumes a paused reader: it reads at once. */
    public void resume() {
        if (paused) {
            paused = false;
            reader.waiter().wake();
            LOG.info("pgmq-bus: " + name + " on channel '" + spec.getChannel() + "' resumed");
        }
    }

    public boolean paused() {
        return paused;
    }

    public ActivationStats stats() {
        return stats;
    }

    /** Messages this node holds for the activation: read, and not yet acknowledged, retried or handed back. */
    public int holding() {
        return leases.holding();
    }

    /**
     * The activation's name: the one the container gave it, followed by the bean's class when that
     * name does not say it (WildFly gives every bean of one adapter and listener type the same name).
     */
    public String name() {
        return name;
    }

    static String name(String given, Class<?> endpoint) {
        if (endpoint == null || given != null && given.contains(endpoint.getName())) {
            return given;
        }
        return given == null || given.isEmpty() ? endpoint.getName() : given + " " + endpoint.getName();
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

    Sessions sessions() {
        return sessions;
    }

    Leases leases() {
        return leases;
    }

    Settlement settlement() {
        return settlement;
    }

    /** Acknowledgements outside a transaction (a bean not transacted) being written or waiting for the next statement. */
    public int acknowledgementsPending() {
        return settlement.acknowledgementsPending();
    }
}
