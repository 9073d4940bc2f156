// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.ra.fake.RecordingEndpointFactory;
import io.pgmqbus.ra.inbound.Activation;
import io.pgmqbus.testdb.TestDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A bean that is not transacted: the acknowledgements of sessions that finish while another's is
 * being written go to the database together, in one statement, and those sessions go on at once.
 */
class GroupedAcknowledgementTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void acknowledgementsThatArriveWhileOneIsWrittenAreWrittenTogetherInOneStatement() throws Exception {
        String channel = channel("ack_group");
        CountDownLatch allIn = new CountDownLatch(4);
        CountDownLatch locked = new CountDownLatch(1);
        try (AdapterFixture bus = new AdapterFixture("direct");
             Connection db = TestDatabase.get().connect();
             Connection blocker = TestDatabase.get().connect()) {
            RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> {
                s.setMaxSessions(4);
                s.setBatchSize(4);
            }), false, (m, d) -> {
                allIn.countDown();
                await(allIn, "four deliveries at once");
                await(locked, "the queue locked");
            });
            Activation activation = bus.ra.activations().get(0);
            String queue = Await.until(WAIT, "the subscription joined", () -> activation.subscription(), q -> q != null)
                    .queueName();
            String table = "pgmq.q_" + queue;
            try (Statement st = db.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS ack_statements (queue text, at timestamptz DEFAULT now())");
                st.execute("CREATE OR REPLACE FUNCTION count_ack_statement() RETURNS trigger LANGUAGE plpgsql AS $$"
                        + " BEGIN INSERT INTO ack_statements(queue) VALUES (TG_TABLE_NAME); RETURN NULL; END $$");
                st.execute("CREATE TRIGGER count_acks AFTER DELETE ON " + table
                        + " FOR EACH STATEMENT EXECUTE FUNCTION count_ack_statement()");
            }
            for (int i = 0; i < 4; i++) {
                bus.publish(channel, "{\"n\": " + i + "}");
            }
            assertTrue(allIn.await(10, TimeUnit.SECONDS), "four sessions in onMessage");

            // every acknowledgement statement now waits until the blocker lets go of the queue
            blocker.setAutoCommit(false);
            try (Statement st = blocker.createStatement()) {
                st.execute("LOCK TABLE " + table + " IN SHARE MODE");
            }
            locked.countDown();
            Await.until(WAIT, "the four deliveries over", () -> mdb.after.get(), n -> n == 4);
            Await.until(WAIT, "an acknowledgement waiting on the lock", () -> waitingOnLock(db), n -> n >= 1);
            Await.until(WAIT, "every acknowledgement handed over, no session waiting for the database",
                    () -> activation.acknowledgementsPending(), n -> n == 4);
            blocker.commit();

            Await.until(WAIT, "the four messages acknowledged", () -> remaining(db, table), n -> n == 0);
            int statements = statements(db, "q_" + queue);
            assertTrue(statements >= 1 && statements <= 2,
                    "the one waiting on the lock, and at most one for those that came behind it: " + statements);
            assertEquals(4, mdb.received.size());
        }
    }

    private static void await(CountDownLatch latch, String what) {
        try {
            assertTrue(latch.await(10, TimeUnit.SECONDS), what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what, e);
        }
    }

    private static int waitingOnLock(Connection db) throws Exception {
        return count(db, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
    }

    private static int remaining(Connection db, String table) throws Exception {
        return count(db, "SELECT count(*) FROM " + table);
    }

    private static int statements(Connection db, String table) throws Exception {
        return count(db, "SELECT count(*) FROM ack_statements WHERE queue = '" + table + "'");
    }

    private static int count(Connection db, String sql) throws Exception {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
