// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** The LISTEN connection's sockets lose no notification and leave ordinary statements alone. */
class ListenSocketFactoryTest {
    @Test
    void everyNotificationArrivesInOrderAndQueriesStillWork() throws Exception {
        TestDatabase db = TestDatabase.get();
        Properties props = new Properties();
        if (db.user() != null) {
            props.setProperty("user", db.user());
        }
        if (db.password() != null) {
            props.setProperty("password", db.password());
        }
        props.setProperty("socketFactory", ListenSocketFactory.class.getName());
        ExecutorService waiting = Executors.newSingleThreadExecutor();
        try (Connection listener = DriverManager.getConnection(db.jdbcUrl(), props);
             Connection sender = db.connect();
             Statement send = sender.createStatement()) {
            try (Statement st = listener.createStatement()) {
                st.execute("LISTEN socket_factory_test");
            }
            PGConnection pg = listener.unwrap(PGConnection.class);
            List<String> got = new ArrayList<>();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                // one at a time, two in one transaction, or a burst the listener reads while it arrives
                int burst = i % 3 + 1;
                Future<List<String>> next = waiting.submit(() -> {
                    List<String> these = new ArrayList<>();
                    while (these.size() < burst) {
                        for (PGNotification n : pg.getNotifications(0)) {
                            these.add(n.getParameter());
                        }
                    }
                    return these;
                });
                StringBuilder sql = new StringBuilder("BEGIN;");
                for (int k = 0; k < burst; k++) {
                    sql.append("NOTIFY socket_factory_test, 'n").append(i).append('.').append(k).append("';");
                    sent.add("n" + i + "." + k);
                }
                send.execute(sql.append("COMMIT").toString());
                got.addAll(next.get(10, TimeUnit.SECONDS));
            }
            assertEquals(sent, got);
            try (Statement st = listener.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM generate_series(1, 100000)")) {
                rs.next();
                assertEquals(100000, rs.getInt(1), "a query on the same connection reads its whole answer");
            }
        } finally {
            waiting.shutdownNow();
        }
    }
}
