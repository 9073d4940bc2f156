// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import static io.pgmqbus.ra.backend.BusDb.count;
import static io.pgmqbus.ra.backend.BusDb.exec;
import static io.pgmqbus.ra.backend.BusDb.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Channel names and payloads that try to be SQL: sanitized or passed as values, never executed. */
class HostileInputTest {
    private Connection owner;
    private Connection tenant;
    private String canary;

    @BeforeEach
    void setUp() throws SQLException {
        owner = BusDb.connect();
        tenant = BusDb.connectAsTenant();
        canary = unique("canary");
        exec(owner, "CREATE TABLE public." + canary + " (x int)");
    }

    @AfterEach
    void tearDown() throws SQLException {
        assertEquals(0, count(owner, "SELECT count(*) FROM public." + canary), "the canary table is intact");
        exec(owner, "DROP TABLE public." + canary);
        tenant.close();
        owner.close();
    }

    static Stream<String> hostileChannels() {
        return Stream.of(
                "o'rders",
                "orders'); DROP TABLE pgmq.meta; --",
                "a;b",
                "x -- comment",
                "\"quoted\"",
                "$$dollar$$",
                "c".repeat(200),
                "\u8ba2\u5355\u00e9\ud83d\ude80",
                "Robert'); DELETE FROM pgmq_bus.subscription; --");
    }

    @ParameterizedTest
    @MethodSource("hostileChannels")
    void directBackendSanitizesHostileChannelNames(String hostile) throws SQLException {
        String channel = hostile + unique("");
        PgmqBackend bus = new DirectBackend(AckMode.DELETE);
        Subscription s = bus.join(owner, channel, null, "n", 60);
        assertTrue(s.queueName().matches("^[a-z0-9_]{1,30}_[0-9a-f]{12}$"), s.queueName());
        assertEquals(1, bus.publish(owner, channel, "{\"ok\": true}", null, 0).size());
        assertEquals("{\"ok\": true}", bus.read(owner, s, 30, 1).get(0).message());
        assertEquals(channel, BusDb.scalar(owner, "SELECT channel FROM pgmq_bus.subscription WHERE queue_name = ?",
                s.queueName()), "the registry keeps the channel verbatim");
        bus.leave(owner, s);
        assertTrue(count(owner, "SELECT count(*) FROM pgmq.meta") >= 0, "pgmq.meta still exists");
    }

    @ParameterizedTest
    @MethodSource("hostileChannels")
    void isolatedBackendPassesHostileChannelNamesAsValues(String hostile) throws SQLException {
        String channel = hostile + unique("");
        PgmqBackend bus = new IsolatedBackend(AckMode.ARCHIVE);
        Subscription s = bus.join(tenant, channel, null, "n", 60);
        assertEquals(List.of(1), List.of(bus.publish(tenant, channel, "{\"ok\": true}", null, 0).size()));
        assertEquals("{\"ok\": true}", bus.read(tenant, s, 30, 1).get(0).message());
        bus.leave(tenant, s);
        assertTrue(count(owner, "SELECT count(*) FROM pgmq_bus.subscription") >= 0, "the registry still exists");
    }

    @Test
    void emptyOverlongAndNulChannelsAreRejectedWithAClearError() {
        for (PgmqBackend bus : List.of(new DirectBackend(AckMode.ARCHIVE), new IsolatedBackend(AckMode.ARCHIVE))) {
            Connection c = bus instanceof DirectBackend ? owner : tenant;
            assertEquals("channel name must not be empty",
                    assertThrows(BusException.class, () -> bus.publish(c, "", "{}", null, 0)).getMessage());
            assertThrows(BusException.class, () -> bus.join(c, null, null, "n", 60));
            assertTrue(assertThrows(BusException.class, () -> bus.join(c, "x".repeat(1001), null, "n", 60))
                    .getMessage().contains("at most 1000"));
            assertTrue(assertThrows(BusException.class, () -> bus.publish(c, "a\0b", "{}", null, 0))
                    .getMessage().contains("NUL"));
            assertThrows(BusException.class, () -> bus.join(c, "ok", "", "n", 60), "empty subscription name");
        }
    }

    @Test
    void invalidJsonPayloadIsRejectedAndPublishesNothing() throws SQLException {
        String channel = unique("json");
        PgmqBackend bus = new DirectBackend(AckMode.ARCHIVE);
        Subscription s = bus.join(owner, channel, null, "n", 60);
        for (String bad : List.of("{not json", "'); DROP TABLE pgmq.meta; --", "")) {
            BusException e = assertThrows(BusException.class, () -> bus.publish(owner, channel, bad, null, 0));
            assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        }
        BusException e = assertThrows(BusException.class, () -> bus.publish(owner, channel, "{}", "[broken", 0));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        assertEquals(0, count(owner, "SELECT count(*) FROM pgmq.q_" + s.queueName()));
    }
}
