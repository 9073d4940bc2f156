// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.Predicate;

/** The real PostgreSQL of the tests, with the bus installed once per JVM, and small SQL conveniences. */
final class BusDb {
    static final String TENANT_ROLE = "bus_tenant_test";
    static final String TENANT_PASSWORD = "tenant-secret";
    private static boolean installed;

    private BusDb() {
    }

    /** A new auto-commit connection to the test database, with every script installed. */
    static synchronized Connection connect() throws SQLException {
        Connection c = TestDatabase.get().connect();
        if (!installed) {
            new SchemaInstaller().install(c);
            exec(c, "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + TENANT_ROLE + "') THEN "
                    + "CREATE ROLE " + TENANT_ROLE + " LOGIN PASSWORD '" + TENANT_PASSWORD + "'; END IF; END$$");
            exec(c, "GRANT pgmq_bus_client TO " + TENANT_ROLE);
            installed = true;
        }
        return c;
    }

    /** A connection as a login role that is only a member of {@code pgmq_bus_client}. */
    static Connection connectAsTenant() throws SQLException {
        connect().close();
        TestDatabase db = TestDatabase.get();
        String database = db.jdbcUrl().replaceAll("^.*//[^/]+/([^?]+).*$", "$1");
        return db.connectAs(database, TENANT_ROLE, TENANT_PASSWORD);
    }

    /**
     * A connection to {@code database} (null: the test database) as login role {@code role}, created
     * when missing as a member of {@code pgmq_bus_client} and nothing else; {@code extra} is added
     * to the connection properties (e.g. stringtype=unspecified, as clients that send untyped
     * parameters do).
     */
    static Connection connectAsTenant(String role, String database, String extra) throws SQLException {
        try (Connection c = connect()) {
            exec(c, "DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN "
                    + "CREATE ROLE " + role + " LOGIN PASSWORD '" + TENANT_PASSWORD + "'; END IF; END$$");
            exec(c, "GRANT pgmq_bus_client TO " + role);
        }
        TestDatabase db = TestDatabase.get();
        String name = database != null ? database : db.jdbcUrl().replaceAll("^.*//[^/]+/([^?]+).*$", "$1");
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", role);
        props.setProperty("password", TENANT_PASSWORD);
        if (extra != null) {
            String[] kv = extra.split("=", 2);
            props.setProperty(kv[0], kv[1]);
        }
        return java.sql.DriverManager.getConnection(db.urlFor(name), props);
    }

    /** Creates an empty database and returns its name. */
    static String freshDatabase() throws SQLException {
        String name = "bus_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = TestDatabase.get().connect()) {
            exec(c, "CREATE DATABASE " + name);
        }
        return name;
    }

    /** A unique channel or queue name for one test, so tests never see each other's messages. */
    static String unique(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8).toLowerCase(Locale.ROOT);
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** The first column of every row of a query, as strings. */
    static List<String> column(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                List<String> values = new ArrayList<>();
                while (rs.next()) {
                    values.add(rs.getString(1));
                }
                return values;
            }
        }
    }

    static String scalar(Connection c, String sql, Object... args) throws SQLException {
        List<String> values = column(c, sql, args);
        assertTrue(values.size() == 1, "expected one row from " + sql + ", got " + values);
        return values.get(0);
    }

    static long count(Connection c, String sql, Object... args) throws SQLException {
        return Long.parseLong(scalar(c, sql, args));
    }

    /** Polls {@code probe} until {@code done} holds, failing the test after {@code timeout}. */
    static <T> T await(Duration timeout, String what, Await.Probe<T> probe, Predicate<T> done) throws Exception {
        return Await.until(timeout, what, probe, done);
    }
}
