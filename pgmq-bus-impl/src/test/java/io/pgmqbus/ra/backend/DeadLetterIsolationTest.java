// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import static io.pgmqbus.ra.backend.BusDb.count;
import static io.pgmqbus.ra.backend.BusDb.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.DeadLetter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The isolated tenants' dead-letter wrappers of sql/004_operations.sql: two login roles that are only
 * members of pgmq_bus_client; each reaches the dead letters of its own subscriptions, and another's
 * answer exactly as one that does not exist.
 */
class DeadLetterIsolationTest {
    private static final String DLQ = "bus_dead_letter";
    private final PgmqBackend bus = new IsolatedBackend(AckMode.ARCHIVE);
    private final DeadLetters tools = new DeadLetters(true);
    private Connection owner;
    private Connection a;
    private Connection b;

    @BeforeEach
    void connect() throws SQLException {
        owner = BusDb.connect();
        a = BusDb.connectAsTenant("bus_tenant_dl_a", null, null);
        b = BusDb.connectAsTenant("bus_tenant_dl_b", null, null);
    }

    @AfterEach
    void close() throws SQLException {
        a.close();
        b.close();
        owner.close();
    }

    /** Reads the one message waiting on {@code s} and dead-letters it; returns its id in the DLQ. */
    private long deadLetter(Connection c, Subscription s, String error) {
        Long id = bus.deadLetter(c, s, bus.read(c, s, 30, 1).get(0).msgId(), error);
        assertNotNull(id);
        return id;
    }

    /** What {@code sql} answered tenant A: "ok: <rows>", or the SQLSTATE and message it raised. */
    private String attempt(String sql, Object... args) {
        try (PreparedStatement ps = a.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            try (var rs = ps.executeQuery()) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
                return "ok: " + rows;
            }
        } catch (SQLException e) {
            return e.getSQLState() + " " + e.getMessage();
        }
    }

    @Test
    void aTenantListsReplaysAndPurgesOnlyItsOwn() throws SQLException {
        String channel = unique("dl_iso");
        Subscription mineSub = bus.join(a, channel, "work", "a", 60);
        Subscription theirsSub = bus.join(b, channel, "work", "b", 60);
        bus.publish(b, channel, "{\"n\": 1}", "{\"type\": \"t\"}", 0); // one copy for each
        long mine = deadLetter(a, mineSub, "a failed");
        long theirs = deadLetter(b, theirsSub, "b failed");

        List<DeadLetter> seen = tools.list(a, channel, null);
        assertEquals(1, seen.size(), seen.toString());
        DeadLetter d = seen.get(0);
        assertEquals(List.of(DLQ, mine, mineSub.queueName(), channel, "work", "a failed", 1, "{\"n\": 1}"),
                List.of(d.deadLetterQueue(), d.id(), d.queue(), d.channel(), d.subscription(), d.error(),
                        d.deliveries(), d.payload()));
        assertTrue(tools.list(a, null, null).stream().noneMatch(x -> x.id() == theirs), "B's is invisible");
        assertEquals(2, new DeadLetters(false).list(owner, channel, null).size(), "the operator sees both");

        assertFalse(tools.replay(a, DLQ, theirs));
        assertFalse(tools.purge(a, DLQ, theirs));
        assertEquals(0, tools.replayAll(a, null, null, "b failed"));
        assertEquals(1, count(owner, "SELECT count(*) FROM pgmq.q_bus_dead_letter WHERE msg_id = ?", theirs), "B's stays");
        assertEquals(List.of(theirs), tools.list(b, channel, null).stream().map(DeadLetter::id).toList());

        assertTrue(tools.replay(a, DLQ, mine));
        QueuedMessage back = bus.read(a, mineSub, 30, 10).get(0);
        assertEquals(1, back.readCount());
        assertTrue(back.headers().contains("\"x-replayed\"") && !back.headers().contains("x-dead-letter"), back.headers());
        assertEquals(List.of(), bus.read(b, theirsSub, 30, 10), "nothing went to B");

        bus.deadLetter(a, mineSub, back.msgId(), "a failed again");
        assertEquals(1, tools.purgeOlderThan(a, Duration.ZERO, channel, null), "A's own only, though B's is older");
        assertEquals(List.of(), tools.list(a, channel, null));
        assertEquals(1, tools.replayAll(b, channel, "work", "b%"), "B replays its own");
        assertEquals(1, bus.read(b, theirsSub, 30, 10).size());
    }

    @Test
    void anotherTenantsDeadLetterAnswersLikeAMissingOneAndNoErrorNamesIt() throws SQLException {
        String channel = unique("dl_victim");
        Subscription victim = bus.join(b, channel, null, "b", 60);
        bus.publish(b, channel, "{}", null, 0);
        long theirs = deadLetter(b, victim, "secret failure");
        long missing = Long.MAX_VALUE;
        // a direct dead letter, in a queue no tenant may use
        PgmqBackend direct = new DirectBackend(AckMode.ARCHIVE);
        String directChannel = unique("dl_direct");
        Subscription ds = direct.join(owner, directChannel, "s", "test", 60);
        direct.publish(owner, directChannel, "{}", null, 0);
        long directId = direct.deadLetter(owner, ds, direct.read(owner, ds, 30, 1).get(0).msgId(), "x");
        String directDlq = QueueNames.deadLetterQueue(directChannel);

        String[] calls = {
                "SELECT bus_replay_dead_letter(?::text, ?::bigint)::text",
                "SELECT bus_purge_dead_letter(?::text, ?::bigint)::text",
                "SELECT msg_id::text FROM bus_dead_letters() WHERE dead_letter_queue = ? AND msg_id = ?",
        };
        for (String sql : calls) {
            String control = attempt(sql, DLQ, missing);
            assertEquals(control, attempt(sql, DLQ, theirs), sql);
            assertEquals(control, attempt(sql, directDlq, directId), sql);
            assertEquals(control, attempt(sql, "no_such_dlq", theirs), sql);
        }
        List<String> answers = new ArrayList<>(List.of(
                attempt("SELECT bus_replay_dead_letters(NULL, NULL, 'secret%')::text"),
                attempt("SELECT bus_purge_dead_letters('0'::interval, ?::text, NULL)::text", channel),
                attempt("SELECT bus_replay_dead_letter(?::text, 1)::text", "x'; DROP TABLE pgmq_bus.subscription; --"),
                attempt("SELECT bus_purge_dead_letters('-1 hour'::interval)::text"),
                attempt("SELECT bus_purge_dead_letters(NULL::interval)::text"),
                attempt("SELECT count(*)::text FROM bus_dead_letters(?::text, NULL)", channel),
                attempt("SELECT count(*)::text FROM pgmq_bus.dead_letters()"),
                attempt("SELECT pgmq_bus.replay_dead_letter(?::text, ?::bigint, 'bus_tenant_dl_b')::text", DLQ, theirs),
                attempt("SELECT pgmq_bus.purge_dead_letters('0'::interval)::text")));
        assertEquals("ok: [0]", answers.get(0));
        assertEquals("ok: [0]", answers.get(1));
        assertTrue(answers.get(2).startsWith("22023 "), answers.get(2));
        assertTrue(answers.get(3).startsWith("22023 "), answers.get(3));
        assertTrue(answers.get(4).startsWith("22023 "), answers.get(4));
        assertEquals("ok: [0]", answers.get(5));
        for (String denied : answers.subList(6, 9)) {
            assertTrue(denied.startsWith("42501 "), "no direct function for a tenant: " + denied);
        }
        for (String answer : answers) {
            assertFalse(answer.contains(victim.queueName()) || answer.contains("secret failure"), answer);
        }
        assertEquals(1, count(owner, "SELECT count(*) FROM pgmq.q_bus_dead_letter WHERE msg_id = ?", theirs));
        assertEquals(1, count(owner, "SELECT count(*) FROM pgmq.q_" + directDlq + " WHERE msg_id = ?", directId));
        assertEquals(1, tools.list(b, channel, null).size(), "B's is still there for B");
    }

    @Test
    void theDeadLettersOfASubscriptionLeftAreTheOperatorsAndStay() {
        String channel = unique("dl_left");
        Subscription s = bus.join(a, channel, null, "a", 60);
        bus.publish(a, channel, "{}", null, 0);
        long id = deadLetter(a, s, "before leaving");
        bus.leave(a, s);

        assertEquals(List.of(), tools.list(a, channel, null), "no longer A's subscription");
        assertFalse(tools.replay(a, DLQ, id));
        DeadLetters operator = new DeadLetters(false);
        List<DeadLetter> left = operator.list(owner, channel, null);
        assertEquals(1, left.size(), "the operator finds it by the channel recorded when it was dead-lettered");
        assertEquals(s.queueName(), left.get(0).queue());
        assertNull(left.get(0).subscription());
        assertFalse(operator.replay(owner, DLQ, id), "its queue is gone");
        assertEquals(1, operator.list(owner, channel, null).size(), "so it stays");
        assertTrue(operator.purge(owner, DLQ, id));
    }
}
