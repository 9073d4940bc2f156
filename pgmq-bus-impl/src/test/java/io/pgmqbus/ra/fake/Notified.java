// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.fake;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** What a test's own LISTEN connection heard. */
public final class Notified {
    private Notified() {
    }

    /** The payloads (queue names) of the notifications that arrive within {@code millis}. */
    public static List<String> queues(Connection listener, int millis) throws SQLException {
        PGNotification[] got = listener.unwrap(PGConnection.class).getNotifications(millis);
        return got == null ? List.of() : Arrays.stream(got).map(PGNotification::getParameter).toList();
    }
}
