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
    /** Where a LISTEN connection's liveness pings go (a random token each: nothing to learn from them). */
    public static final String PING_CHANNEL = "pgmq_bus_ping";

    /**
     * One notification: its channel, what it says (a queue name or wake token; a ping's token) and
     * the backend process that sent it.
     */
    public record Notification(String channel, String payload, int pid) {
        public boolean ping() {
            return PING_CHANNEL.equals(channel);
        }
    }

    private Notifications() {
    }

    public static void listen(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("LISTEN " + CHANNEL);
            st.execute("LISTEN " + PING_CHANNEL);
        }
    }

    /** Blocks until at least one notification arrives; returns them. */
    public static List<Notification> await(Connection c) throws SQLException {
        PGNotification[] got = c.unwrap(PGConnection.class).getNotifications(0);
        List<Notification> notifications = new ArrayList<>();
        if (got != null) {
            for (PGNotification n : got) {
                notifications.add(new Notification(n.getName(), n.getParameter(), n.getPID()));
            }
        }
        return notifications;
    }

    /** Sends a liveness ping to every LISTEN connection of the bus (at once: {@code c} is in auto-commit). */
    public static void ping(Connection c, String token) throws SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT pg_notify('" + PING_CHANNEL + "', ?::text)")) {
            ps.setString(1, token);
            ps.execute();
        }
    }
}
