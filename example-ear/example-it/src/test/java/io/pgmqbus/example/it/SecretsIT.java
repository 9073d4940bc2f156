// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.example.it.secrets.SecretKeeperListener;
import io.pgmqbus.testdb.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The database password is in no line of the server's log (issue 11, item 4), through a deploy,
 * heartbeats, an outage and its end, and an undeploy. The password is given to the adapter only
 * in its own configuration ({@link Deployments#secrets(String)}: the RAR's ironjacamar.xml on
 * WildFly, its ra.xml on Payara), never as a system property or an environment variable of the
 * server (WildFly logs those at boot), so a line that carries it can only be the adapter's doing,
 * or a thread's name: on WildFly a container timer's thread is named after the adapter's config
 * properties, password included, and each line logged on it carries that name (the adapter before
 * its heartbeat became a Work fails this test on WildFly). The suite's embedded PostgreSQL trusts
 * every connection, so whatever password the adapter sends is accepted; the test checks that.
 * Only the log written from the deploy on is read.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SecretsIT {
    private static final String SECRETS = "secrets";
    static final String SECRET = "S3cret-In-Config-9f3";
    private static final String OUTAGE = "pgmq-bus heartbeat: database unavailable";
    private static final String RECOVERED = "pgmq-bus heartbeat: database available again";

    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = SECRETS, managed = false, testable = false)
    static EnterpriseArchive secrets() {
        return Deployments.secrets(SECRET);
    }

    private static boolean payara() {
        return "payara".equals(System.getProperty("arquillian.launch"));
    }

    private static int rows(String table, String value) throws SQLException {
        return Integer.parseInt(BusDatabase.single("SELECT count(*) FROM pgmq." + table + " WHERE message->>'secrets' = ?",
                value));
    }

    /** Waits up to {@code seconds} until the log since {@code mark} satisfies {@code done}; returns it then. */
    private static String awaitLog(Path log, long mark, int seconds, Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        String text = ServerLog.since(log, mark);
        while (!done.test(text) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            text = ServerLog.since(log, mark);
        }
        return text;
    }

    /**
     * The thread a line of the adapter's was logged on, as the server's log format shows it:
     * WildFly {@code [category] (thread) message}, Payara (ODL) {@code [category] [tid: _ThreadID=n
     * _ThreadName=thread] ...} with the message on the next line; null if no such line.
     */
    private static String threadOfLine(String text, String category, String message) {
        Pattern format = payara()
                ? Pattern.compile("\\[" + Pattern.quote(category) + "\\] \\[tid: _ThreadID=\\d+ _ThreadName=([^\\]]*)\\][^\\n]*\\n\\s*"
                        + Pattern.quote(message))
                : Pattern.compile("\\[" + Pattern.quote(category) + "\\] \\((.*)\\) " + Pattern.quote(message));
        Matcher m = format.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /**
     * A database outage as the adapter sees one, ~3 s (longer, up to 10 s, until the heartbeat logged
     * that it met it): the bus's database refuses new connections, and the adapter's connections
     * (pooled ones, the LISTEN one) are terminated every second. Ending them alone is not enough:
     * whoever meets a dead connection first drops the idle ones, and the heartbeat would then just
     * open a new one. Run from another database of the server; returns how many were terminated.
     */
    private static int outage(Path log, long mark) throws Exception {
        String database = BusDatabase.single("SELECT current_database()");
        int terminated = 0;
        try (Connection admin = TestDatabase.get().connect("template1"); Statement st = admin.createStatement()) {
            st.execute("ALTER DATABASE \"" + database + "\" ALLOW_CONNECTIONS false");
            try {
                for (int i = 0; i < 10 && (i < 3 || !ServerLog.since(log, mark).contains(OUTAGE)); i++) {
                    try (ResultSet rs = st.executeQuery("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                            + " WHERE application_name = 'pgmq-bus'")) {
                        rs.next();
                        terminated += rs.getInt(1);
                    }
                    Thread.sleep(1_000);
                }
            } finally {
                st.execute("ALTER DATABASE \"" + database + "\" ALLOW_CONNECTIONS true");
            }
        }
        return terminated;
    }

    @Test
    void theDatabasePasswordIsInNoLineOfTheServerLog() throws Exception {
        // the adapter really connects with the password of its configuration (and the server's URL and
        // user, which carry no password): the database must not refuse it
        ServerDatabase server = ServerDatabase.of(TestDatabase.get());
        Properties credentials = new Properties();
        if (server.user() != null) {
            credentials.setProperty("user", server.user());
        }
        credentials.setProperty("password", SECRET);
        try (Connection c = DriverManager.getConnection(server.url(), credentials)) {
            assertTrue(c.isValid(5));
        }
        assertEquals("trust",
                BusDatabase.single("SELECT string_agg(DISTINCT auth_method, ',') FROM pg_hba_file_rules WHERE error IS NULL"),
                "the suite's PostgreSQL trusts every connection (any password is accepted)");

        Path log = Path.of(System.getProperty("server.log"));
        long mark = Files.exists(log) ? Files.size(log) : 0;
        String m = UUID.randomUUID().toString();
        // the durable subscription outlives every execution against the database: wait for this one's join
        String since = BusDatabase.single("SELECT clock_timestamp()::text");
        int terminated;
        boolean outageLogged;
        boolean delivered;
        deployer.deploy(SECRETS);
        try {
            String queue = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (queue == null && System.nanoTime() < deadline) {
                queue = BusDatabase.single("SELECT queue_name FROM pgmq_bus.subscription WHERE channel = ?"
                        + " AND subscription_name = ? AND last_seen >= ?::timestamptz",
                        SecretKeeperListener.CHANNEL, SecretKeeperListener.SUBSCRIPTION, since);
                Thread.sleep(100);
            }
            assertTrue(queue != null, "the secrets EAR joined its durable subscription");
            Thread.sleep(1_500); // a heartbeat or so on healthy connections first

            terminated = outage(log, mark);
            String whileUp = awaitLog(log, mark, 30, t -> t.contains(OUTAGE) && t.contains(RECOVERED));
            outageLogged = whileUp.contains(OUTAGE) && whileUp.contains(RECOVERED);

            BusDatabase.single("SELECT count(*) FROM pgmq_bus.publish(?, ?::jsonb)", SecretKeeperListener.CHANNEL,
                    "{\"secrets\": \"" + m + "\"}");
            deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!(rows("a_" + queue, m) == 1 && rows("q_" + queue, m) == 0) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            delivered = rows("a_" + queue, m) == 1 && rows("q_" + queue, m) == 0;
        } finally {
            deployer.undeploy(SECRETS);
        }
        String text = awaitLog(log, mark, 15, t -> t.contains("pgmq-bus stopped"));

        List<String> leaks = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (line.contains(SECRET)) {
                leaks.add(line);
            }
        }
        Matcher starting = Pattern.compile("pgmq-bus starting: [^\\n]*").matcher(text);
        String start = starting.find() ? starting.group() : "(no start logged)";
        String thread = threadOfLine(text, "io.pgmqbus.ra.Heartbeat", OUTAGE);
        assertAll(
                () -> assertEquals(List.of(), leaks, "lines of the server log that carry the database password"
                        + " (the heartbeat's thread was '" + thread + "')"),
                () -> assertTrue(start.contains("password=****") && start.contains("heartbeatSeconds=1, leaseSeconds=2"),
                        "the adapter got the password and the 1 s heartbeat from its own configuration: " + start),
                () -> assertTrue(outageLogged, "the heartbeat logged the outage (" + terminated + " connections"
                        + " terminated) and its end"),
                () -> assertTrue(thread != null && !thread.isBlank(), "the heartbeat's outage line names its thread"
                        + " in the log's format (" + (payara() ? "_ThreadName=" : "(thread)") + "): thread names are in"
                        + " what this test reads"),
                () -> assertTrue(delivered, "a message published after the outage is delivered and acknowledged"),
                () -> assertTrue(text.contains("pgmq-bus stopped"), "the log was read after the adapter stopped"));
    }
}
