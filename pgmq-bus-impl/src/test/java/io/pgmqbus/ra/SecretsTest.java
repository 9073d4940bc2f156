// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusException;
import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.ra.fake.FaultyProxy;
import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The database password is never logged, nor put in an exception, whatever fails. */
class SecretsTest {
    private static final String ROLE = "pgmq_bus_secret_test";
    private static final String SECRET = "Zebra-Quartz-7731";

    @Test
    void thePasswordIsInNoLogLineAndNoExceptionThroughAnOutage() throws Exception {
        TestDatabase db = TestDatabase.get();
        new AdapterFixture("isolated").close(); // the scripts installed, as a DBA would have
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + ROLE + "') THEN "
                    + "CREATE ROLE " + ROLE + " LOGIN; END IF; END$$");
            st.execute("ALTER ROLE " + ROLE + " PASSWORD '" + SECRET + "'");
            st.execute("GRANT pgmq_bus_client TO " + ROLE);
        }
        List<String> seen = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                seen.add(r.getLoggerName() + " " + r.getMessage() + " " + r.getParameters());
                for (Throwable t = r.getThrown(); t != null; t = t.getCause()) {
                    seen.add(t.toString());
                }
                seen.add(Thread.currentThread().getName());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger("io.pgmqbus");
        Level before = log.getLevel();
        log.setLevel(Level.ALL);
        log.addHandler(capture);
        try (FaultyProxy proxy = FaultyProxy.before(db);
             AdapterFixture bus = new AdapterFixture("isolated", ra -> {
                 ra.setJdbcUrl(proxy.route(db.jdbcUrl()) + (db.jdbcUrl().contains("?") ? "&" : "?") + "password=" + SECRET);
                 ra.setUser(ROLE);
                 ra.setPassword(SECRET);
                 ra.setInstallSchema(false);
                 ra.setHeartbeatSeconds(1);
             })) {
            String channel = channel("secret");
            bus.activate(bus.spec(channel, s -> s.setMaxPollSeconds(1)), false, (m, d) -> { });
            seen.add(bus.ra.toString());
            proxy.cut();
            try (BusConnection c = bus.factory.getConnection()) {
                c.publish(channel, "{\"n\": 1}");
            } catch (BusException e) {
                for (Throwable t = e; t != null; t = t.getCause()) {
                    seen.add(t.toString());
                }
            }
            Await.until(Duration.ofSeconds(20), "the outage logged", () -> seen.stream()
                    .filter(l -> l.contains("database unavailable")).count(), n -> n >= 2);
            proxy.restore();
            Await.until(Duration.ofSeconds(20), "the outage's end logged", () -> seen.stream()
                    .filter(l -> l.contains("available again")).count(), n -> n >= 1);
        } finally {
            log.removeHandler(capture);
            log.setLevel(before);
        }
        assertTrue(seen.size() > 5, "something was logged: " + seen);
        for (String line : seen) {
            assertFalse(line.contains(SECRET), "the password leaked: " + line);
        }
    }
}
