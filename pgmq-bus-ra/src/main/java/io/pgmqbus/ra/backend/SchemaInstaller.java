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
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;

/**
 * Applies the scripts of {@code sql/} (packaged in the adapter as {@code io/pgmqbus/sql/}) in order,
 * under an advisory lock so that nodes starting together do not race, and checks that a database
 * prepared by hand has them. Every script is idempotent, so installing twice changes nothing.
 *
 * <p>The PGMQ-compatible script is applied only where PGMQ is not there already: a database that
 * offers the real extension gets {@code CREATE EXTENSION pgmq}; one that has a schema {@code pgmq}
 * of another origin keeps it untouched.
 */
public final class SchemaInstaller {
    /** The scripts, in the order they are applied, each with functions that prove it is installed. */
    public enum Script {
        PGMQ_COMPAT("001_pgmq_compat.sql", "pgmq",
                "create", "drop_queue", "list_queues", "send", "read", "archive", "delete", "set_vt"),
        BUS_SCHEMA("002_bus_schema.sql", "pgmq_bus",
                "join", "publish", "publish_prefix", "heartbeat", "reap", "leave", "dead_letter", "enable_notify",
                "heartbeat_missing", "reap_expired", "extend", "hand_back"),
        ISOLATED("003_isolated.sql", "public",
                "bus_join", "bus_publish", "bus_subscribe", "bus_archive", "bus_leave", "bus_read", "bus_delete",
                "bus_set_vt", "bus_heartbeat", "bus_dead_letter", "bus_reap", "bus_send", "bus_wake",
                "bus_extend", "bus_hand_back", "bus_reap_expired");

        final String file;
        final String schema;
        final String[] functions;

        Script(String file, String schema, String... functions) {
            this.file = file;
            this.schema = schema;
            this.functions = functions;
        }

        public String file() {
            return file;
        }
    }

    /** Key of the session advisory lock held while installing ("pgmqbus" in ASCII). */
    static final long LOCK_KEY = 0x70676d71627573L;
    static final String COMPAT_MARKER = "pgmq-bus compat";
    private static final Logger LOG = Logger.getLogger(SchemaInstaller.class.getName());

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
        for (Script script : Script.values()) {
            if (script == Script.PGMQ_COMPAT && !needsCompat(c)) {
                continue;
            }
            try (Statement st = c.createStatement()) {
                st.execute(text(script));
            }
            applied.add(script);
            LOG.fine(() -> "applied " + script.file);
        }
        return applied;
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

    /** Fails with a message naming every missing script, when the database is not ready. */
    public void requireInstalled(Connection c) {
        requireInstalled(c, List.of(Script.values()));
    }

    /** Fails with a message naming every missing script among {@code needed}. */
    public void requireInstalled(Connection c, List<Script> needed) {
        List<Script> missing = new ArrayList<>(missing(c));
        missing.retainAll(needed);
        if (!missing.isEmpty()) {
            StringBuilder names = new StringBuilder();
            for (Script s : missing) {
                names.append(names.length() == 0 ? "" : ", ").append("sql/").append(s.file);
            }
            throw new BusException("the database is not prepared for pgmq-bus: missing " + names
                    + " (apply them with psql, see README, or let the adapter install them)");
        }
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
