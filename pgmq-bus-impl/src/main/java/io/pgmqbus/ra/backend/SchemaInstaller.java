// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import io.pgmqbus.api.BusException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Applies the scripts of {@code sql/} (packaged in the adapter as {@code io/pgmqbus/sql/}) in order,
 * under an advisory lock so that nodes starting together do not race, and checks that a database
 * prepared by hand has them. A script already installed in its version (or a later one) is not run
 * again; every script is idempotent anyway, so installing twice changes nothing. A script that
 * cannot get its locks within a wait (30 s) fails the install, naming the prepared transactions that
 * may hold them.
 *
 * <p>The PGMQ-compatible script is applied only where PGMQ is not there already: a database that
 * offers the real extension gets {@code CREATE EXTENSION pgmq}; one that has a schema {@code pgmq}
 * of another origin keeps it untouched.
 */
public final class SchemaInstaller {
    /** The scripts, in the order they are applied, each with functions that prove it is installed. */
    public enum Script {
        PGMQ_COMPAT("001_pgmq_compat.sql", "pgmq", 0,
                "create", "drop_queue", "list_queues", "send", "read", "archive", "delete", "set_vt"),
        BUS_SCHEMA("002_bus_schema.sql", "pgmq_bus", 6,
                "join", "publish", "publish_prefix", "heartbeat", "reap", "leave", "dead_letter", "enable_notify",
                "heartbeat_missing", "reap_expired", "extend", "hand_back", "prune_archives"),
        ISOLATED("003_isolated.sql", "public", 3,
                "bus_join", "bus_publish", "bus_subscribe", "bus_archive", "bus_leave", "bus_read", "bus_delete",
                "bus_set_vt", "bus_heartbeat", "bus_dead_letter", "bus_reap", "bus_send", "bus_wake",
                "bus_extend", "bus_hand_back", "bus_reap_expired", "bus_wake_token", "bus_script_versions", "bus_prune_archives"),
        OPERATIONS("004_operations.sql", "pgmq_bus", 1,
                "dead_letters", "replay_dead_letter", "replay_dead_letters", "purge_dead_letter", "purge_dead_letters");

        final String file;
        final String schema;
        /** The version this adapter needs, as the script records it in pgmq_bus.script_version (0: none recorded). */
        final int version;
        final String[] functions;

        Script(String file, String schema, int version, String... functions) {
            this.file = file;
            this.schema = schema;
            this.version = version;
            this.functions = functions;
        }

        String key() {
            return file.substring(0, file.length() - ".sql".length());
        }

        public String file() {
            return file;
        }
    }

    /** Key of the session advisory lock held while installing ("pgmqbus" in ASCII). */
    static final long LOCK_KEY = 0x70676d71627573L;
    static final String COMPAT_MARKER = "pgmq-bus compat";
    private static final Logger LOG = Logger.getLogger(SchemaInstaller.class.getName());

    /** How long a script may wait for a lock before the install fails (instead of waiting for ever). */
    private final Duration lockWait;

    public SchemaInstaller() {
        this(Duration.ofSeconds(30));
    }

    SchemaInstaller(Duration lockWait) {
        this.lockWait = lockWait;
    }

    /**
     * Installs every script. The connection must be in auto-commit mode (each script manages its
     * own transaction) and belong to a role allowed to create schemas, roles and functions.
     *
     * @return the scripts applied, in order (the compat script is absent when PGMQ was already there)
     */
    public List<Script> install(Connection c) {
        try {
            if (!c.getAutoCommit()) {
                throw new BusException("the schema installer needs a connection in auto-commit mode");
            }
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
            }
            try {
                return installLocked(c);
            } finally {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
                }
            }
        } catch (SQLException e) {
            throw SqlBackend.failure("installing the pgmq-bus schema", e);
        }
    }

    private List<Script> installLocked(Connection c) throws SQLException {
        List<Script> applied = new ArrayList<>();
        List<Script> missing = missing(c);
        Map<String, Integer> recorded = recordedVersions(c);
        String callersLockTimeout;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SHOW lock_timeout")) {
            rs.next();
            callersLockTimeout = rs.getString(1);
        }
        for (Script script : Script.values()) {
            if (script == Script.PGMQ_COMPAT && !needsCompat(c)) {
                continue;
            }
            // a script already installed in this version or a later one is left alone: running it
            // again would wait for the locks of any transaction using the bus's tables, for ever
            // for a branch left prepared by a node that died (whose recovery needs this start)
            Integer version = recorded.get(script.key());
            if (!missing.contains(script) && (script.version == 0 || version != null && version >= script.version)) {
                continue;
            }
            try (Statement st = c.createStatement()) {
                st.execute("SET lock_timeout = " + lockWait.toMillis());
                st.execute(text(script));
            } catch (SQLException e) {
                try (Statement st = c.createStatement()) {
                    st.execute("ROLLBACK"); // the script's own transaction is left aborted
                }
                throw blocked(c, firstError(script, e));
            } finally {
                try (PreparedStatement ps = c.prepareStatement("SELECT set_config('lock_timeout', ?, false)")) {
                    ps.setString(1, callersLockTimeout);
                    ps.execute();
                }
            }
            applied.add(script);
            LOG.fine(() -> "applied " + script.file);
        }
        return applied;
    }

    /**
     * A script that could not get its locks within the wait: names the prepared transactions of the
     * database, the usual holders that never let go by themselves, and how to end them.
     */
    private static SQLException blocked(Connection c, SQLException e) throws SQLException {
        if (!"55P03".equals(e.getSQLState())) {
            return e;
        }
        List<String> prepared = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT gid, prepared FROM pg_prepared_xacts WHERE database = current_database() ORDER BY prepared")) {
            while (rs.next()) {
                prepared.add("'" + rs.getString(1) + "' (prepared " + rs.getTimestamp(2).toInstant() + ")");
            }
        }
        return new SQLException(e.getMessage() + ": another transaction holds the bus's tables"
                + (prepared.isEmpty() ? " (see pg_locks)"
                : "; prepared transactions left in doubt: " + String.join(", ", prepared)
                + ". Let the transaction manager that prepared them recover them, or end each by hand with"
                + " COMMIT PREPARED or ROLLBACK PREPARED, then start again"), e.getSQLState(), e);
    }

    /** False when PGMQ is there already (real extension, or another install); installs the extension when offered. */
    private static boolean needsCompat(Connection c) throws SQLException {
        String comment = null;
        boolean schemaExists;
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT obj_description(oid, 'pg_namespace') FROM pg_namespace WHERE nspname = 'pgmq'")) {
            schemaExists = rs.next();
            if (schemaExists) {
                comment = rs.getString(1);
            }
        }
        if (schemaExists) {
            return comment != null && comment.startsWith(COMPAT_MARKER);
        }
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT 1 FROM pg_available_extensions WHERE name = 'pgmq'")) {
            if (rs.next()) {
                st.execute("CREATE EXTENSION IF NOT EXISTS pgmq");
                LOG.info("installed the PGMQ extension offered by the database");
                return false;
            }
        }
        return true;
    }

    /**
     * The scripts whose functions are missing from the database (any role can ask: only the
     * catalogs are read). Empty when the database is ready.
     */
    public List<Script> missing(Connection c) {
        List<Script> missing = new ArrayList<>();
        String sql = "SELECT count(DISTINCT p.proname) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
                + " WHERE n.nspname = ? AND p.proname = ANY (?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Script script : Script.values()) {
                ps.setString(1, script.schema);
                ps.setArray(2, c.createArrayOf("text", script.functions));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) < script.functions.length) {
                        missing.add(script);
                    }
                }
            }
            return missing;
        } catch (SQLException e) {
            throw SqlBackend.failure("checking the pgmq-bus schema", e);
        }
    }

    /**
     * The scripts installed in an older version than this adapter needs, with the version found.
     * Read from pgmq_bus.script_version where the role may, else through the isolated wrapper
     * bus_script_versions(); a role that can do neither learns nothing here.
     */
    public Map<Script, Integer> outdated(Connection c) {
        Map<String, Integer> found = recordedVersions(c);
        Map<Script, Integer> outdated = new LinkedHashMap<>();
        for (Script script : Script.values()) {
            Integer version = found.get(script.key());
            if (version != null && version < script.version) {
                outdated.put(script, version);
            }
        }
        return outdated;
    }

    /**
     * The versions recorded in pgmq_bus.script_version, by script key: read from the table where
     * the role may, else through the isolated wrapper bus_script_versions(); empty before the first
     * install, or for a role that can do neither.
     */
    private static Map<String, Integer> recordedVersions(Connection c) {
        Map<String, Integer> found = new HashMap<>();
        // nested CASEs: each test runs only when the one before held (a schema the role may not use
        // must not be looked into)
        String sql = "SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'pgmq_bus')"
                + " AND has_schema_privilege('pgmq_bus', 'USAGE') THEN"
                + "   CASE WHEN to_regclass('pgmq_bus.script_version') IS NULL THEN 0"
                + "        WHEN has_table_privilege('pgmq_bus.script_version', 'SELECT') THEN 1 ELSE 0 END"
                + " WHEN to_regprocedure('public.bus_script_versions()') IS NULL THEN 0"
                + " WHEN has_function_privilege('public.bus_script_versions()', 'EXECUTE') THEN 2 ELSE 0 END";
        try (Statement st = c.createStatement(); ResultSet how = st.executeQuery(sql)) {
            how.next();
            int source = how.getInt(1);
            if (source > 0) {
                try (Statement q = c.createStatement(); ResultSet rs = q.executeQuery(source == 1
                        ? "SELECT script, version FROM pgmq_bus.script_version"
                        : "SELECT script, version FROM public.bus_script_versions()")) {
                    while (rs.next()) {
                        found.put(rs.getString(1), rs.getInt(2));
                    }
                }
            }
        } catch (SQLException e) {
            throw SqlBackend.failure("checking the pgmq-bus script versions", e);
        }
        return found;
    }

    /** Fails with a message naming every missing script, when the database is not ready. */
    public void requireInstalled(Connection c) {
        requireInstalled(c, List.of(Script.values()));
    }

    /** Fails with a message naming every missing script among {@code needed}. */
    public void requireInstalled(Connection c, List<Script> needed) {
        List<Script> missing = new ArrayList<>(missing(c));
        missing.retainAll(needed);
        Map<Script, Integer> outdated = new LinkedHashMap<>(outdated(c));
        outdated.keySet().retainAll(needed);
        outdated.keySet().removeAll(missing);
        if (!missing.isEmpty() || !outdated.isEmpty()) {
            StringBuilder problems = new StringBuilder();
            for (Script s : missing) {
                problems.append(problems.length() == 0 ? "" : ", ").append("missing sql/").append(s.file);
            }
            outdated.forEach((s, v) -> problems.append(problems.length() == 0 ? "" : ", ").append("sql/").append(s.file)
                    .append(" is version ").append(v).append(" on the database, this adapter needs version ").append(s.version));
            throw new BusException("the database is not prepared for pgmq-bus: " + problems
                    + " (apply the scripts with psql, see README, or let the adapter install them)");
        }
    }

    /**
     * The error that stopped a script: the driver may report the statements after it first (25P02,
     * "current transaction is aborted"), which says nothing; the cause and its hint are what a DBA needs.
     */
    private static SQLException firstError(Script script, SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (!"25P02".equals(x.getSQLState())) {
                return new SQLException(script.file + ": " + x.getMessage(), x.getSQLState(), x);
            }
        }
        return e;
    }

    /** The text of a script, as packaged in the adapter. */
    public static String text(Script script) {
        String resource = "/io/pgmqbus/sql/" + script.file;
        try (InputStream in = SchemaInstaller.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not packaged in the adapter");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + resource, e);
        }
    }
}
