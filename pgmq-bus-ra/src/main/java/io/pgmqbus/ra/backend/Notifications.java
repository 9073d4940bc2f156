// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The wake-up channel: the bus schema's trigger sends {@code NOTIFY pgmq_bus, '<queue>'} when a
 * message is inserted into a bus queue (whoever sent it), visible after the sender's commit.
 */
public final class Notifications {
    public static final String CHANNEL = "pgmq_bus";

    private Notifications() {
    }

    public static void listen(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("LISTEN " + CHANNEL);
        }
    }

    /** Blocks until at least one notification arrives; returns the queue names they carry. */
    public static List<String> await(Connection c) throws SQLException {
        PGNotification[] got = c.unwrap(PGConnection.class).getNotifications(0);
        List<String> queues = new ArrayList<>();
        if (got != null) {
            for (PGNotification n : got) {
                queues.add(n.getParameter());
            }
        }
        return queues;
    }
}
