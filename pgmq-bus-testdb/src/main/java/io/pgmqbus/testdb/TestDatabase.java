// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.testdb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The PostgreSQL that tests and the example talk to, started at most once per JVM.
 *
 * <p>Which one, in order:
 * <ol>
 *   <li>{@code PGMQ_BUS_JDBC_URL} (system property or environment variable), with
 *       {@code PGMQ_BUS_JDBC_USER} and {@code PGMQ_BUS_JDBC_PASSWORD};</li>
 *   <li>Testcontainers with an image carrying the real PGMQ extension, when
 *       {@code -Dpgmq.bus.db=testcontainers} (fails with a clear message when no Docker engine answers);</li>
 *   <li>an embedded PostgreSQL whose binaries come from Maven Central.</li>
 * </ol>
 * Started servers run with {@code max_prepared_transactions} &gt; 0 (XA) and a non-UTC time zone,
 * so that time-zone mistakes show up in tests.
 */
public final class TestDatabase {
    public static final String URL_VARIABLE = "PGMQ_BUS_JDBC_URL";
    public static final String USER_VARIABLE = "PGMQ_BUS_JDBC_USER";
    public static final String PASSWORD_VARIABLE = "PGMQ_BUS_JDBC_PASSWORD";
    /** {@code embedded} (default) or {@code testcontainers}. */
    public static final String KIND_PROPERTY = "pgmq.bus.db";
    /** A fixed port for the embedded server (default: a free one). */
    public static final String PORT_PROPERTY = "pgmq.bus.db.port";
    /**
     * Extra settings for the embedded server, {@code name=value} separated by commas; they override
     * the defaults (the benchmark turns {@code fsync} back on and loads {@code pg_stat_statements}).
     */
    public static final String SETTINGS_PROPERTY = "pgmq.bus.db.settings";

    private static final Logger LOG = Logger.getLogger(TestDatabase.class.getName());
    private static TestDatabase instance;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String description;
    private final AutoCloseable server;
    private boolean stopped;

    TestDatabase(String jdbcUrl, String user, String password, String description, AutoCloseable server) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.description = description;
        this.server = server;
    }

    /** The database for this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized TestDatabase get() {
        if (instance == null) {
            instance = start();
            LOG.info(() -> "test database: " + instance.description + " at "
                    + instance.jdbcUrl.replaceAll("(?i)(password=)[^&]*", "$1****"));
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "pgmq-bus-testdb-stop"));
        }
        return instance;
    }

    private static TestDatabase start() {
        String url = setting(URL_VARIABLE);
        if (url != null && !url.isBlank()) {
            return new TestDatabase(url, setting(USER_VARIABLE), setting(PASSWORD_VARIABLE),
                    "external database from " + URL_VARIABLE, null);
        }
        String kind = System.getProperty(KIND_PROPERTY, "embedded").trim().toLowerCase(Locale.ROOT);
        switch (kind) {
            case "embedded":
                return EmbeddedServer.start(Integer.getInteger(PORT_PROPERTY, 0), settings());
            case "testcontainers":
                return ContainerServer.start();
            default:
                throw new IllegalStateException("unknown -D" + KIND_PROPERTY + "=" + kind
                        + ": use 'embedded' (default) or 'testcontainers', or set " + URL_VARIABLE);
        }
    }

    /** The {@link #SETTINGS_PROPERTY} settings, in order; a clear error for a malformed one. */
    static Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        String value = System.getProperty(SETTINGS_PROPERTY, "").trim();
        if (value.isEmpty()) {
            return settings;
        }
        for (String pair : value.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || !pair.substring(0, eq).trim().matches("[a-z_.]+")) {
                throw new IllegalStateException("-D" + SETTINGS_PROPERTY + ": '" + pair
                        + "' is not name=value (e.g. fsync=on,shared_preload_libraries=pg_stat_statements)");
            }
            settings.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return settings;
    }

    /** A system property, else an environment variable of the same name. */
    static String setting(String name) {
        String value = System.getProperty(name);
        return value != null ? value : System.getenv(name);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** A new connection as the configured user. The caller closes it. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl, credentials());
    }

    /** pgjdbc's XA data source on this database, as the configured user (the adapter's kind of connection). */
    public org.postgresql.xa.PGXADataSource xaDataSource() {
        org.postgresql.xa.PGXADataSource ds = new org.postgresql.xa.PGXADataSource();
        ds.setURL(jdbcUrl);
        if (user != null) {
            ds.setUser(user);
        }
        if (password != null) {
            ds.setPassword(password);
        }
        return ds;
    }

    /** A new connection to another database of the same server, as the configured user. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(urlFor(database), credentials());
    }

    private Properties credentials() {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        return props;
    }

    /** This server's JDBC URL with another database name. */
    public String urlFor(String database) {
        int hostStart = jdbcUrl.indexOf("//");
        int pathStart = jdbcUrl.indexOf('/', hostStart + 2);
        int query = jdbcUrl.indexOf('?', pathStart);
        return jdbcUrl.substring(0, pathStart + 1) + database + (query < 0 ? "" : jdbcUrl.substring(query));
    }

    /** A new connection as another role (for privilege tests). The caller closes it. */
    public Connection connectAs(String database, String role, String rolePassword) throws SQLException {
        return DriverManager.getConnection(urlFor(database), role, rolePassword);
    }

    /**
     * Crashes the database: an immediate stop, as when its host loses power (committed data survives,
     * every connection is cut, prepared transactions stay prepared). Only a database this class
     * started can be crashed.
     */
    public void crash() {
        embedded("crash").crash();
        LOG.info(() -> "test database crashed (immediate stop): " + jdbcUrl);
    }

    /** Starts a {@linkplain #crash() crashed} database again on the same data and port; returns when it accepts connections. */
    public void restart() {
        embedded("restart").restart();
        LOG.info(() -> "test database started again: " + jdbcUrl);
    }

    /** Whether {@link #crash()} and {@link #restart()} can be used: the database is the embedded one this class started. */
    public boolean crashable() {
        return server instanceof EmbeddedServer;
    }

    private EmbeddedServer embedded(String what) {
        if (!crashable()) {
            throw new IllegalStateException("cannot " + what + " " + description + ": only the embedded PostgreSQL"
                    + " this class started can be crashed and restarted (unset " + URL_VARIABLE + ")");
        }
        return (EmbeddedServer) server;
    }

    /**
     * Stops a server this class started (nothing for an external database); idempotent. A program
     * run by {@code exec:java} calls it itself: its class loader is gone when shutdown hooks run.
     */
    public synchronized void stop() {
        if (server == null || stopped) {
            return;
        }
        stopped = true;
        try {
            server.close();
        } catch (Exception e) {
            LOG.warning("could not stop the test database: " + e);
        }
    }

    /**
     * Runs the embedded database in the foreground until the process is stopped, printing the JDBC
     * URL: used by the build to start PostgreSQL before an application server boots.
     */
    public static void main(String[] args) throws InterruptedException {
        TestDatabase db = get();
        System.out.println(URL_VARIABLE + "=" + db.jdbcUrl());
        System.out.flush();
        Thread.currentThread().join();
    }
}
