// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The bus's database as a PGMQ client of any kind reaches it, from wherever a test runs: in the test
 * JVM the suite's {@link io.pgmqbus.testdb.TestDatabase}; inside a server (whose test WAR does not
 * hold that class) by the settings the server was given ({@link ServerDatabase}).
 */
final class BusDatabase {
    private static final String TEST_DATABASE = "io.pgmqbus.testdb.TestDatabase";

    private BusDatabase() {
    }

    /** A new connection; the caller closes it. */
    static Connection connect() throws SQLException {
        if (!inServer()) {
            return io.pgmqbus.testdb.TestDatabase.get().connect();
        }
        Properties credentials = new Properties();
        for (String[] setting : new String[][] {{ServerDatabase.USER, "user"}, {ServerDatabase.PASSWORD, "password"}}) {
            String value = System.getProperty(setting[0]);
            if (value != null) {
                credentials.setProperty(setting[1], value);
            }
        }
        String url = System.getProperty(ServerDatabase.URL);
        if (url == null) {
            throw new IllegalStateException("the server was given no " + ServerDatabase.URL + " (DatabaseBeforeServer)");
        }
        return DriverManager.getConnection(url, credentials);
    }

    /** The first column of every row {@code sql} returns, its parameters bound as strings. */
    static List<String> column(String sql, String... parameters) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setString(i + 1, parameters[i]);
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

    /** The first column of the first row {@code sql} returns, or null when it returns none. */
    static String single(String sql, String... parameters) throws SQLException {
        List<String> values = column(sql, parameters);
        return values.isEmpty() ? null : values.get(0);
    }

    private static boolean inServer() {
        try {
            Class.forName(TEST_DATABASE, false, BusDatabase.class.getClassLoader());
            return false;
        } catch (ClassNotFoundException e) {
            return true;
        }
    }
}
