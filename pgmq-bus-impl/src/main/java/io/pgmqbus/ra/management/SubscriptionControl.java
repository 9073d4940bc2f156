// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.management;

import io.pgmqbus.api.BusException;
import io.pgmqbus.api.DeadLetter;
import io.pgmqbus.api.SubscriptionStatus;
import io.pgmqbus.ra.backend.Subscription;
import io.pgmqbus.ra.inbound.Activation;
import io.pgmqbus.ra.inbound.InboundContext;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The {@link SubscriptionMXBean} of one activation, registered on the platform MBean server while
 * the activation runs. The database's numbers are read at most once a second, however often a
 * console asks.
 */
public final class SubscriptionControl implements SubscriptionMXBean {
    private static final Logger LOG = Logger.getLogger(SubscriptionControl.class.getName());
    /** The JMX domain of every pgmq-bus bean. */
    public static final String DOMAIN = "pgmq.bus";
    private static final long STATS_TTL_NANOS = 1_000_000_000L;

    private final Activation activation;
    private final InboundContext context;
    private final ObjectName name;
    private SubscriptionStatus cached;
    private long cachedAt;
    private boolean cachedValid;

    private SubscriptionControl(Activation activation, InboundContext context, ObjectName name) {
        this.activation = activation;
        this.context = context;
        this.name = name;
    }

    /** The name of an activation's bean. */
    public static ObjectName objectName(String channel, String subscription, String activation) throws JMException {
        return new ObjectName(DOMAIN + ":type=Subscription,channel=" + ObjectName.quote(channel)
                + ",subscription=" + ObjectName.quote(subscription == null ? "" : subscription)
                + ",activation=" + ObjectName.quote(activation == null ? "" : activation));
    }

    /**
     * Registers the bean of {@code activation}; null (said in the log) when the MBean server
     * refuses it, e.g. a second activation of the same name: management is never worth a failed deployment.
     */
    public static SubscriptionControl register(Activation activation, InboundContext context) {
        try {
            ObjectName name = objectName(activation.spec().getChannel(), activation.spec().getSubscription(), activation.name());
            SubscriptionControl control = new SubscriptionControl(activation, context, name);
            ManagementFactory.getPlatformMBeanServer().registerMBean(control, name);
            return control;
        } catch (JMException | RuntimeException e) {
            LOG.log(Level.WARNING, "pgmq-bus: no management bean for " + activation.name() + ": " + e, e);
            return null;
        }
    }

    /** Unregisters the bean (at deactivation): nothing is left behind across redeploys. */
    public void unregister() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException e) {
            LOG.log(Level.FINE, "pgmq-bus: unregistering " + name + " failed", e);
        }
    }

    public ObjectName name() {
        return name;
    }

    /** The database's numbers of the queue, at most a second old; null when they cannot be had. */
    private synchronized SubscriptionStatus stats() {
        long now = System.nanoTime();
        if (cachedValid && now - cachedAt < STATS_TTL_NANOS) {
            return cached;
        }
        Subscription s = activation.subscription();
        SubscriptionStatus stats = null;
        if (s != null) {
            try {
                stats = context.connections().withConnection(c -> context.backend().stats(c, s));
            } catch (BusException e) {
                LOG.log(Level.FINE, "pgmq-bus: statistics of " + s.queueName() + " unavailable", e);
            }
        }
        cached = stats;
        cachedAt = now;
        cachedValid = true;
        return stats;
    }

    @Override
    public String getChannel() {
        return activation.spec().getChannel();
    }

    @Override
    public String getSubscription() {
        String s = activation.spec().getSubscription();
        return s == null ? "" : s;
    }

    @Override
    public String getKind() {
        return activation.spec().getSubscription() == null ? "ephemeral" : "durable";
    }

    @Override
    public String getQueue() {
        Subscription s = activation.subscription();
        return s == null ? "" : s.queueName();
    }

    @Override
    public String getActivation() {
        return activation.name();
    }

    @Override
    public long getMessageCount() {
        SubscriptionStatus s = stats();
        return s == null ? -1 : s.depth();
    }

    @Override
    public long getFirstMessageAge() {
        SubscriptionStatus s = stats();
        if (s == null) {
            return -1;
        }
        return s.oldestAgeSeconds() == null ? 0 : Math.round(s.oldestAgeSeconds() * 1000);
    }

    @Override
    public long getDeadLetterCount() {
        SubscriptionStatus s = stats();
        return s == null ? -1 : s.deadLetters();
    }

    @Override
    public long getDeliveringCount() {
        return activation.holding();
    }

    @Override
    public long getMessagesDelivered() {
        return activation.stats().delivered();
    }

    @Override
    public long getMessagesAcknowledged() {
        return activation.stats().acknowledged();
    }

    @Override
    public long getDeliveriesFailed() {
        return activation.stats().failed();
    }

    @Override
    public long getMessagesRetried() {
        return activation.stats().retried();
    }

    @Override
    public long getMessagesKilled() {
        return activation.stats().deadLettered();
    }

    @Override
    public long getWakeUps() {
        return activation.stats().wakeUps();
    }

    @Override
    public long getPolls() {
        return activation.stats().polls();
    }

    @Override
    public int getConsumerCount() {
        return activation.spec().getMaxSessions();
    }

    @Override
    public String getReaderState() {
        return activation.stats().state().name();
    }

    @Override
    public String getLastRead() {
        Instant at = activation.stats().lastRead();
        return at == null ? "" : at.toString();
    }

    @Override
    public long getOutageMillis() {
        return activation.stats().outageMillis();
    }

    @Override
    public long retryMessages() {
        return eachDeadLetter("replaying", (c, d) -> context.backend().deadLetters().replay(c, d.deadLetterQueue(), d.id()));
    }

    @Override
    public long removeMessages() {
        return eachDeadLetter("removing", (c, d) -> context.backend().deadLetters().purge(c, d.deadLetterQueue(), d.id()));
    }

    /**
     * Runs {@code action} on each dead letter that came from this activation's own queue (an
     * ephemeral subscription's channel may have other nodes' dead letters too); how many it did.
     * Fails with the database's error as a {@link BusException} (the JMX client sees it).
     */
    private long eachDeadLetter(String what, DeadLetterAction action) {
        Subscription s = activation.subscription();
        if (s == null) {
            return 0;
        }
        return context.connections().withConnection(c -> {
            long done = 0;
            for (DeadLetter d : context.backend().deadLetters().list(c, s.channel(), s.durableName())) {
                if (s.queueName().equals(d.queue()) && action.apply(c, d)) {
                    done++;
                }
            }
            LOG.info("pgmq-bus: " + what + " " + done + " dead letters of queue " + s.queueName() + " (JMX)");
            return done;
        });
    }

    @FunctionalInterface
    private interface DeadLetterAction {
        boolean apply(java.sql.Connection c, DeadLetter d) throws java.sql.SQLException;
    }

    @Override
    public boolean isPaused() {
        return activation.paused();
    }

    @Override
    public void pause() {
        activation.pause();
    }

    @Override
    public void resume() {
        activation.resume();
    }
}
