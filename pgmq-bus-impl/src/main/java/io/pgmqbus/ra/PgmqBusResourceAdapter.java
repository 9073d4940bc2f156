// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import io.pgmqbus.ra.backend.PgmqBackend;
import io.pgmqbus.ra.backend.SchemaInstaller;
import io.pgmqbus.ra.inbound.Activation;
import io.pgmqbus.ra.inbound.InboundContext;
import io.pgmqbus.ra.inbound.Outage;
import io.pgmqbus.ra.inbound.PgmqBusActivationSpec;
import io.pgmqbus.ra.inbound.WakeUpListener;
import io.pgmqbus.ra.management.AdapterStatistics;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ActivationSpec;
import jakarta.resource.spi.BootstrapContext;
import jakarta.resource.spi.ConfigProperty;
import jakarta.resource.spi.Connector;
import jakarta.resource.spi.ResourceAdapter;
import jakarta.resource.spi.ResourceAdapterInternalException;
import jakarta.resource.spi.TransactionSupport;
import jakarta.resource.spi.endpoint.MessageEndpointFactory;
import jakarta.resource.spi.work.WorkException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import javax.sql.XAConnection;
import javax.transaction.xa.XAResource;
import org.jboss.jca.core.spi.statistics.Statistics;

/**
 * The pgmq-bus resource adapter: one per deployment, shared by every activation (inbound) and
 * every connection factory (outbound) of it. It owns the database settings, the inbound
 * connections, the single LISTEN connection, and the heartbeat (a container work).
 *
 * <p>It offers its numbers through IronJacamar's statistics SPI ({@link Statistics}), which WildFly
 * looks for on the adapter instance; the RAR carries the SPI's jar for servers that do not have it.
 */
@Connector(
        displayName = "pgmq-bus",
        description = "PostgreSQL with PGMQ as a message bus",
        vendorName = "pgmq-bus",
        eisType = "PostgreSQL/PGMQ",
        version = "0.1",
        transactionSupport = TransactionSupport.TransactionSupportLevel.XATransaction)
public class PgmqBusResourceAdapter implements ResourceAdapter, Serializable, Statistics {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = Logger.getLogger(PgmqBusResourceAdapter.class.getName());
    /** How long stopping one activation may take. */
    static final long STOP_MILLIS = 20_000;

    @ConfigProperty(description = "JDBC URL of the database; unset: system property or environment variable PGMQ_BUS_JDBC_URL.")
    private String jdbcUrl;
    @ConfigProperty(description = "Database user; unset: PGMQ_BUS_JDBC_USER.")
    private String user;
    @ConfigProperty(description = "Database password (never logged); unset: PGMQ_BUS_JDBC_PASSWORD.", confidential = true)
    private String password;
    @ConfigProperty(description = "'direct' (the role calls pgmq.* itself) or 'isolated' (only the bus_* wrappers); unset: PGMQ_BUS_BACKEND, else direct.")
    private String backend;
    @ConfigProperty(description = "Apply the sql/ scripts at start (under an advisory lock); otherwise only check they are there. Unset: PGMQ_BUS_INSTALL_SCHEMA, else false.")
    private Boolean installSchema;
    @ConfigProperty(description = "What acknowledging does: 'archive' (keep in pgmq.a_<queue>) or 'delete'; unset: PGMQ_BUS_ACK_MODE, else archive.")
    private String ackMode;
    @ConfigProperty(description = "Seconds between heartbeats of this node's subscriptions.", defaultValue = "10")
    private Integer heartbeatSeconds = 10;
    @ConfigProperty(description = "Seconds without a heartbeat after which an ephemeral subscription is dead: skipped by publishers, then reaped.", defaultValue = "60")
    private Integer leaseSeconds = 60;
    @ConfigProperty(description = "Whether the adapter's reads and acknowledgements wait for the WAL flush (synchronous_commit): false = they do not, and after a database crash the last moments' acknowledgements may be lost and those messages delivered again (at least once either way); publishing always keeps the database's setting. Unset: PGMQ_BUS_DURABLE_ACKNOWLEDGEMENTS, else false.")
    private Boolean durableAcknowledgements;
    @ConfigProperty(description = "Archived messages (ackMode archive) older than this many seconds are deleted by the adapter, every archivePruneIntervalSeconds; 0 = kept for ever.", defaultValue = "0")
    private Integer archiveRetentionSeconds = 0;
    @ConfigProperty(description = "Seconds between two prunings of the archives, when archiveRetentionSeconds is set.", defaultValue = "3600")
    private Integer archivePruneIntervalSeconds = 3600;
    @ConfigProperty(description = "Shortest time in milliseconds between two rounds of the NOTIFYs that wake other nodes' readers after this node's publishes: the first publish after a quiet spell is notified at once, a busy node's are gathered for up to this long; 0 = a round after every commit (this node's own readers are always woken at once).", defaultValue = "2")
    private Integer wakeUpIntervalMillis = 2;

    private transient Settings settings;
    private transient PgmqBackend busBackend;
    private transient ConnectionSource connections;
    private transient WakeUpListener wakeUps;
    private transient io.pgmqbus.ra.inbound.WakeUpSender wakeUpSender;
    private transient Heartbeat heartbeat;
    /** OpenTelemetry tracing where the server offers it, else none; set at start. */
    private transient volatile io.pgmqbus.ra.tracing.Tracing tracing = io.pgmqbus.ra.tracing.Tracing.NONE;
    /** What the container's recovery manager gets, inbound and as the outbound resources' fallback; set at start. */
    private transient volatile RecoveryXAResource recovery;
    /** A database outage as the recovery scans see it: said once, not at every scan. */
    private final transient Outage recoveryOutage = new Outage(LOG, "pgmq-bus XA recovery");
    private transient jakarta.transaction.TransactionSynchronizationRegistry transactions;
    private transient InboundContext inbound;
    private transient Map<ActivationKey, Activation> activations;
    /** The totals of every activation, for the container's management (one plugin for the adapter's life). */
    private final transient AdapterStatistics statistics = new AdapterStatistics();

    @Override
    public void start(BootstrapContext ctx) throws ResourceAdapterInternalException {
        settings = Settings.resolve(this);
        LOG.info("pgmq-bus starting: " + settings);
        busBackend = settings.backend();
        transactions = transactionRegistry(ctx);
        connections = new ConnectionSource(settings.inboundDataSource(), settings.dataSource(), settings.listenDataSource(), 16);
        recovery = new RecoveryXAResource(connections);
        prepareDatabase();
        wakeUps = new WakeUpListener(connections);
        activations = new ConcurrentHashMap<>();
        tracing = io.pgmqbus.ra.tracing.Tracing.detect(LOG);
        inbound = new InboundContext(busBackend, connections, ctx.getWorkManager(), wakeUps, node(),
                settings.leaseSeconds(), tracing);
        wakeUpSender = new io.pgmqbus.ra.inbound.WakeUpSender(connections, busBackend, wakeUps,
                settings.wakeUpIntervalMillis());
        try {
            ctx.getWorkManager().scheduleWork(wakeUps);
            ctx.getWorkManager().scheduleWork(wakeUpSender);
            heartbeat = new Heartbeat(this, System::nanoTime);
            ctx.getWorkManager().scheduleWork(heartbeat);
        } catch (WorkException e) {
            wakeUps.release();
            wakeUpSender.release();
            connections.close();
            throw new ResourceAdapterInternalException("pgmq-bus: the container refused the adapter's work", e);
        }
    }

    private void prepareDatabase() throws ResourceAdapterInternalException {
        SchemaInstaller installer = new SchemaInstaller();
        try (Connection c = connections.open()) {
            if (settings.installSchema()) {
                installer.install(c);
            }
            installer.requireInstalled(c, settings.requiredScripts());
        } catch (SQLException e) {
            LOG.warning("pgmq-bus: database unreachable at start (" + e.getMessage()
                    + "); readers retry until it is back, publishing fails until then");
        } catch (RuntimeException e) {
            connections.close();
            throw new ResourceAdapterInternalException("pgmq-bus: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        if (activations == null) {
            return;
        }
        // Payara may have closed the application's class loader already when it stops the adapter
        // of a failed deployment: whatever fails here, the connections are closed.
        try {
            for (ActivationKey key : new ArrayList<>(activations.keySet())) {
                stopActivation(key);
            }
            if (heartbeat != null) {
                heartbeat.stop(STOP_MILLIS);
            }
            wakeUps.stop(STOP_MILLIS);
            wakeUpSender.stop(STOP_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(java.util.logging.Level.WARNING, "pgmq-bus: stopping did not finish cleanly", e);
        } finally {
            recovery.close();
            connections.close();
        }
        LOG.info("pgmq-bus stopped");
    }

    @Override
    public void endpointActivation(MessageEndpointFactory factory, ActivationSpec spec) throws ResourceException {
        if (!(spec instanceof PgmqBusActivationSpec busSpec)) {
            throw new ResourceException("pgmq-bus: unsupported activation spec " + spec.getClass().getName());
        }
        busSpec.validate();
        Activation activation = new Activation(busSpec, factory, inbound);
        activation.start();
        activations.put(new ActivationKey(factory, busSpec), activation);
        statistics.added(activation);
        LOG.info("pgmq-bus: activated " + activation.name() + " on channel '" + busSpec.getChannel() + "'"
                + (busSpec.getSubscription() == null ? "" : " as subscription '" + busSpec.getSubscription() + "'"));
    }

    @Override
    public void endpointDeactivation(MessageEndpointFactory factory, ActivationSpec spec) {
        stopActivation(new ActivationKey(factory, spec));
    }

    private void stopActivation(ActivationKey key) {
        Activation activation = activations.remove(key);
        if (activation == null) {
            return;
        }
        try {
            activation.stop(STOP_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            statistics.removed(activation);
        }
    }

    /** The adapter's numbers, totalled over its activations, for IronJacamar's SPI (WildFly's management model; README "Operating"). */
    @Override
    public AdapterStatistics getStatistics() {
        return statistics;
    }

    /**
     * For the container's crash recovery: the adapter's {@link RecoveryXAResource}, on a connection
     * of its own, so that the recovery manager can list the delivery branches left prepared in doubt
     * and commit or roll them back. Every call gets the same resource, which stays usable whatever
     * happens to its connection (WildFly asks once per activation in a scan and uses every answer
     * afterwards). Empty while the database is unreachable, said once (the next scan asks again).
     */
    @Override
    public XAResource[] getXAResources(ActivationSpec[] specs) {
        RecoveryXAResource resource = recovery;
        if (resource == null) {
            return new XAResource[0];
        }
        try {
            resource.recover(XAResource.TMSTARTRSCAN | XAResource.TMENDRSCAN); // the database answers
            recoveryOutage.succeeded();
            return new XAResource[] {resource};
        } catch (javax.transaction.xa.XAException e) {
            recoveryOutage.failed(e);
            return new XAResource[0];
        }
    }

    /** Where outbound XA resources complete branches left prepared when their own connection is gone; null before start. */
    public RecoveryXAResource recoveryResource() {
        return recovery;
    }

    private static jakarta.transaction.TransactionSynchronizationRegistry transactionRegistry(BootstrapContext ctx) {
        try {
            return ctx.getTransactionSynchronizationRegistry();
        } catch (RuntimeException | LinkageError e) {
            LOG.fine(() -> "pgmq-bus: the container offers no TransactionSynchronizationRegistry: " + e);
            return null;
        }
    }

    /**
     * Whether the calling thread's transaction is marked for rollback: it can only roll back, so a
     * publish in it would be lost. Payara's transaction timeout marks it so (Narayana's rolls it back).
     */
    public boolean callerTransactionDoomed() {
        try {
            return transactions != null && transactions.getTransactionKey() != null
                    && transactions.getTransactionStatus() == jakarta.transaction.Status.STATUS_MARKED_ROLLBACK;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The shared LISTEN connection's dispatcher (null before start). */
    /** Wakes the readers of channels published to, after the commit (this node's at once, the others' by NOTIFY). */
    public void committed(java.util.Collection<String> channels) {
        io.pgmqbus.ra.inbound.WakeUpSender sender = wakeUpSender;
        if (sender != null) {
            sender.committed(channels);
        }
    }

    WakeUpListener wakeUps() {
        return wakeUps;
    }

    /** Every running activation (for heartbeats and local delivery). */
    public List<Activation> activations() {
        return activations == null ? List.of() : List.copyOf(activations.values());
    }

    /**
     * Delivers a message to the activations of a channel in this JVM only, without the database
     * (best effort, no redelivery). Returns how many activations took it.
     */
    public int deliverLocally(String channel, String payload, String headers) {
        int delivered = 0;
        for (Activation a : activations()) {
            if (a.spec().getChannel().equals(channel) && a.deliverLocally(payload, headers)) {
                delivered++;
            }
        }
        return delivered;
    }

    /** How publishes and deliveries are traced (none before start, or without OpenTelemetry). */
    public io.pgmqbus.ra.tracing.Tracing tracing() {
        return tracing;
    }

    public PgmqBackend busBackend() {
        return busBackend;
    }

    /** A new database connection for the container's outbound pool. */
    public XAConnection openXa() throws SQLException {
        if (connections == null) {
            throw new SQLException("the pgmq-bus resource adapter is not started", "08003");
        }
        return connections.openXa();
    }

    ConnectionSource connections() {
        return connections;
    }

    Settings settings() {
        return settings;
    }

    /**
     * This node's name as recorded with its subscriptions and in the sender header: host/pid, found
     * once per JVM. Every publish carries it: looking the host name up each time cost a noticeable
     * share of a publish's CPU in the benchmark's profile, and with a slow resolver it would cost a
     * lookup per message.
     */
    public static String node() {
        return NodeName.VALUE;
    }

    private static final class NodeName {
        static final String VALUE = find();

        private static String find() {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "unknown-host";
            }
            return host + "/" + ManagementFactory.getRuntimeMXBean().getPid();
        }
    }

    private record ActivationKey(MessageEndpointFactory factory, ActivationSpec spec) {
    }

    public String getJdbcUrl() { return jdbcUrl; }
    public void setJdbcUrl(String jdbcUrl) { this.jdbcUrl = jdbcUrl; }
    public String getUser() { return user; }
    public void setUser(String user) { this.user = user; }
    public String getPassword() { return password; }
    public void setPassword(String password) { this.password = password; }
    public String getBackend() { return backend; }
    public void setBackend(String backend) { this.backend = backend; }
    public Boolean getInstallSchema() { return installSchema; }
    public void setInstallSchema(Boolean installSchema) { this.installSchema = installSchema; }
    public String getAckMode() { return ackMode; }
    public void setAckMode(String ackMode) { this.ackMode = ackMode; }
    public Integer getHeartbeatSeconds() { return heartbeatSeconds; }
    public void setHeartbeatSeconds(Integer heartbeatSeconds) { this.heartbeatSeconds = heartbeatSeconds; }
    public Integer getLeaseSeconds() { return leaseSeconds; }
    public void setLeaseSeconds(Integer leaseSeconds) { this.leaseSeconds = leaseSeconds; }
    public Integer getArchiveRetentionSeconds() { return archiveRetentionSeconds; }
    public void setArchiveRetentionSeconds(Integer archiveRetentionSeconds) { this.archiveRetentionSeconds = archiveRetentionSeconds; }
    public Integer getArchivePruneIntervalSeconds() { return archivePruneIntervalSeconds; }
    public void setArchivePruneIntervalSeconds(Integer archivePruneIntervalSeconds) { this.archivePruneIntervalSeconds = archivePruneIntervalSeconds; }
    public Integer getWakeUpIntervalMillis() { return wakeUpIntervalMillis; }
    public void setWakeUpIntervalMillis(Integer wakeUpIntervalMillis) { this.wakeUpIntervalMillis = wakeUpIntervalMillis; }
    public Boolean getDurableAcknowledgements() { return durableAcknowledgements; }
    public void setDurableAcknowledgements(Boolean durableAcknowledgements) { this.durableAcknowledgements = durableAcknowledgements; }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return "PgmqBusResourceAdapter[" + (settings != null ? settings : "not started") + "]";
    }
}
