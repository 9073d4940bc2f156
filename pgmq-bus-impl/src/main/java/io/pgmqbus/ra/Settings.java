// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import io.pgmqbus.ra.backend.AckMode;
import io.pgmqbus.ra.backend.DirectBackend;
import io.pgmqbus.ra.backend.IsolatedBackend;
import io.pgmqbus.ra.backend.PgmqBackend;
import io.pgmqbus.ra.backend.SchemaInstaller;
import io.pgmqbus.ra.inbound.ListenSocketFactory;
import jakarta.resource.spi.ResourceAdapterInternalException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.postgresql.xa.PGXADataSource;

/**
 * The adapter's configuration as resolved at start: a property left unset falls back to the system
 * property, then the environment variable, of the documented name ({@code PGMQ_BUS_JDBC_URL}, ...),
 * so a container can inject the database without editing the RAR. Invalid values are reported
 * together. The password never appears in {@link #toString()}.
 */
record Settings(String jdbcUrl, String user, String password, String backendName, boolean installSchema,
                AckMode ackMode, int heartbeatSeconds, int leaseSeconds, boolean durableAcknowledgements,
                int archiveRetentionSeconds, int archivePruneIntervalSeconds, int wakeUpIntervalMillis) {

    static final String URL = "PGMQ_BUS_JDBC_URL";
    static final String USER = "PGMQ_BUS_JDBC_USER";
    static final String PASSWORD = "PGMQ_BUS_JDBC_PASSWORD";
    static final String BACKEND = "PGMQ_BUS_BACKEND";
    static final String INSTALL = "PGMQ_BUS_INSTALL_SCHEMA";
    static final String ACK_MODE = "PGMQ_BUS_ACK_MODE";
    static final String DURABLE_ACKS = "PGMQ_BUS_DURABLE_ACKNOWLEDGEMENTS";

    static Settings resolve(PgmqBusResourceAdapter ra) throws ResourceAdapterInternalException {
        List<String> problems = new ArrayList<>();
        String url = or(ra.getJdbcUrl(), URL);
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            problems.add("jdbcUrl (or " + URL + ") must be a jdbc:postgresql: URL, was " + url);
        }
        String backend = or(ra.getBackend(), BACKEND, "direct").toLowerCase(Locale.ROOT);
        if (!backend.equals("direct") && !backend.equals("isolated")) {
            problems.add("backend must be 'direct' or 'isolated', was '" + backend + "'");
        }
        String ack = or(ra.getAckMode(), ACK_MODE, "archive").toUpperCase(Locale.ROOT);
        if (!ack.equals("ARCHIVE") && !ack.equals("DELETE")) {
            problems.add("ackMode must be 'archive' or 'delete', was '" + ack.toLowerCase(Locale.ROOT) + "'");
        }
        int heartbeat = ra.getHeartbeatSeconds() == null ? 10 : ra.getHeartbeatSeconds();
        int lease = ra.getLeaseSeconds() == null ? 60 : ra.getLeaseSeconds();
        if (heartbeat <= 0) {
            problems.add("heartbeatSeconds must be positive, was " + heartbeat);
        }
        if (lease < 2 * heartbeat) {
            problems.add("leaseSeconds must be at least twice heartbeatSeconds (" + heartbeat + "), was " + lease);
        }
        int retention = ra.getArchiveRetentionSeconds() == null ? 0 : ra.getArchiveRetentionSeconds();
        int pruneInterval = ra.getArchivePruneIntervalSeconds() == null ? 3600 : ra.getArchivePruneIntervalSeconds();
        if (retention < 0) {
            problems.add("archiveRetentionSeconds must be 0 (off) or positive, was " + retention);
        }
        if (pruneInterval <= 0) {
            problems.add("archivePruneIntervalSeconds must be positive, was " + pruneInterval);
        }
        int wakeUpInterval = ra.getWakeUpIntervalMillis() == null ? 2 : ra.getWakeUpIntervalMillis();
        if (wakeUpInterval < 0) {
            problems.add("wakeUpIntervalMillis must be 0 or positive, was " + wakeUpInterval);
        }
        if (!problems.isEmpty()) {
            throw new ResourceAdapterInternalException("invalid pgmq-bus resource adapter configuration: "
                    + String.join("; ", problems));
        }
        return new Settings(url, or(ra.getUser(), USER), or(ra.getPassword(), PASSWORD), backend,
                flag(ra.getInstallSchema(), INSTALL), AckMode.valueOf(ack), heartbeat, lease,
                flag(ra.getDurableAcknowledgements(), DURABLE_ACKS), retention, pruneInterval, wakeUpInterval);
    }

    /** A Boolean property, else its system property or environment variable, else false. */
    private static boolean flag(Boolean value, String name) {
        return value != null ? value : Boolean.parseBoolean(or(null, name, "false"));
    }

    private static String or(String value, String name) {
        if (value != null && !value.isBlank()) {
            return value.trim();
        }
        String fallback = System.getProperty(name);
        return fallback != null ? fallback : System.getenv(name);
    }

    private static String or(String value, String name, String defaultValue) {
        String resolved = or(value, name);
        return resolved == null || resolved.isBlank() ? defaultValue : resolved;
    }

    PgmqBackend backend() {
        return backendName.equals("isolated") ? new IsolatedBackend(ackMode) : new DirectBackend(ackMode);
    }

    /** The scripts the chosen backend needs in the database. */
    List<SchemaInstaller.Script> requiredScripts() {
        return backendName.equals("isolated")
                ? List.of(SchemaInstaller.Script.values())
                : List.of(SchemaInstaller.Script.PGMQ_COMPAT, SchemaInstaller.Script.BUS_SCHEMA);
    }

    PGXADataSource dataSource() {
        PGXADataSource ds = new PGXADataSource();
        ds.setUrl(jdbcUrl);
        if (user != null) {
            ds.setUser(user);
        }
        if (password != null) {
            ds.setPassword(password);
        }
        ds.setApplicationName("pgmq-bus");
        ds.setTcpKeepAlive(true);
        ds.setConnectTimeout(10);
        return ds;
    }

    /** The LISTEN connection's: its sockets hand wake-ups on at once, unless a socket factory is configured. */
    PGXADataSource listenDataSource() {
        PGXADataSource ds = dataSource();
        if (ds.getSocketFactory() == null || ds.getSocketFactory().isBlank()) {
            ds.setSocketFactory(ListenSocketFactory.class.getName());
        }
        ds.setTcpKeepAlive(true); // the operating system's probes, besides the heartbeat's pings
        return ds;
    }

    /**
     * The inbound side's connections (reads, acknowledgements, delivery branches, heartbeats).
     * Unless acknowledgements are to be durable, their commits do not wait for the WAL flush: a
     * lost read or acknowledgement only brings a message back (at least once either way), and any
     * later synchronous commit, such as a publish, flushes them too. Two-phase commits always flush.
     */
    PGXADataSource inboundDataSource() {
        PGXADataSource ds = dataSource();
        if (!durableAcknowledgements) {
            String given = ds.getOptions();
            ds.setOptions((given == null || given.isBlank() ? "" : given + " ") + "-c synchronous_commit=off");
        }
        return ds;
    }

    @Override
    public String toString() {
        return "jdbcUrl=" + jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1****") + ", user=" + user + ", password=" + (password == null ? "(none)" : "****")
                + ", backend=" + backendName + ", installSchema=" + installSchema + ", ackMode=" + ackMode
                + ", heartbeatSeconds=" + heartbeatSeconds + ", leaseSeconds=" + leaseSeconds
                + ", durableAcknowledgements=" + durableAcknowledgements + ", wakeUpIntervalMillis=" + wakeUpIntervalMillis;
    }
}
