// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import static io.pgmqbus.ra.backend.BusDb.count;
import static io.pgmqbus.ra.backend.BusDb.exec;
import static io.pgmqbus.ra.backend.BusDb.scalar;
import static io.pgmqbus.ra.backend.BusDb.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusException;
import io.pgmqbus.ra.fake.Notified;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two tenants, login roles that are only members of pgmq_bus_client: tenant A tries what the
 * isolated backend's threat model says it cannot do to tenant B, who uses the adapter's backend.
 * Each attack gets the answer it would get for a queue that does not exist.
 */
class IsolationAttackTest {
    private static final String NOT_A_MEMBER = "queue is not a member of channel";
    private final PgmqBackend bus = new IsolatedBackend(AckMode.ARCHIVE);
    private Connection owner;
    private Connection a;
    private Connection b;

    @BeforeEach
    void connect() throws SQLException {
        owner = BusDb.connect();
        a = BusDb.connectAsTenant("bus_tenant_a", null, null);
        b = BusDb.connectAsTenant("bus_tenant_b", null, null);
    }

    @AfterEach
    void close() throws SQLException {
        a.close();
        b.close();
        owner.close();
    }

    /** The SQLSTATE and message of what {@code sql} raised as tenant A, or "ok: <result>". */
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
            return e.getSQLState() + " " + e.getMessage().split("\n")[0];
        }
    }

    @Test
    void notificationsNameNoQueue() throws Exception {
        exec(a, "LISTEN pgmq_bus");
        String channel = unique("listened");
        Subscription victim = bus.join(b, channel, null, "b", 60);
        bus.publish(b, channel, "{}", null, 0);
        Set<String> heard = new HashSet<>(BusDb.await(java.time.Duration.ofSeconds(5), "a wake-up",
                () -> Notified.queues(a, 100), n -> !n.isEmpty()));
        assertTrue(!heard.contains(victim.queueName()), "A heard B's queue name: " + heard);
        assertEquals(Set.of(victim.wakeKey()), heard, "only B's opaque token");
    }

    @Test
    void anotherRolesQueueAnswersLikeAMissingOne() throws Exception {
        String channel = unique("victim");
        Subscription victim = bus.join(b, channel, null, "b", 60);
        bus.publish(b, channel, "{\"for\": \"b\"}", null, 0);
        String missing = "bus_" + "0".repeat(32);
        String q = victim.queueName();
        String[][] calls = {
                {"SELECT msg_id::text FROM bus_read(?::text, ?::text, 30, 10)"},
                {"SELECT msg_id::text FROM bus_subscribe(?::text, ?::text, 30, 10, 0)"},
                {"SELECT bus_archive(?::text, ?::text, 1)::text"},
                {"SELECT bus_delete(?::text, ?::text, 1)::text"},
                {"SELECT bus_set_vt(?::text, ?::text, 1, 0)::text"},
                {"SELECT count(*)::text FROM bus_extend(?::text, ?::text, ARRAY[1]::bigint[], ARRAY[1], 30)"},
                {"SELECT bus_hand_back(?::text, ?::text, ARRAY[1]::bigint[], ARRAY[1])::text"},
                {"SELECT bus_dead_letter(?::text, ?::text, 1, 'x')::text"},
                {"SELECT bus_wake_token(?::text, ?::text)"},
                {"SELECT bus_heartbeat(?::text, ?::text)::text"},
                {"SELECT bus_leave(?::text, ?::text)::text"},
                {"SELECT bus_publish(?::text, ?::text, '{}'::jsonb)::text"},
        };
        for (String[] call : calls) {
            String sql = call[0];
            String against = sql.startsWith("SELECT bus_publish") ? attempt(sql, channel, q) : attempt(sql, q, channel);
            String control = sql.startsWith("SELECT bus_publish") ? attempt(sql, channel, missing) : attempt(sql, missing, channel);
            assertEquals(control, against, "A's answer for B's queue is the one for a missing queue: " + sql);
            assertTrue(!against.startsWith("ok: [") || against.equals("ok: [false]"), sql + " -> " + against);
        }
        assertEquals(1, count(owner, "SELECT count(*) FROM pgmq_bus.subscription WHERE queue_name = ?", q), "B is still subscribed");
        assertEquals(1, bus.read(b, victim, 30, 10).size(), "B's copy is still there, unread by A");
        assertEquals("ok: [0]", attempt("SELECT bus_wake(?::text)::text", channel), "no count of B's subscribers");
    }

    @Test
    void durableNamesArePerRole() throws Exception {
        String channel = unique("shared_name");
        Subscription mine = bus.join(b, channel, "billing", "b", 60);
        String theirs = scalar(a, "SELECT bus_join(?::text, ?::text)", channel, "billing");
        assertNotEquals(mine.queueName(), theirs, "A gets a queue of its own, not B's");
        String sent = attempt("SELECT bus_send(?::text, 'billing', '{}'::jsonb, NULL)::text", channel);
        assertTrue(sent.matches("ok: \\[\\d+\\]"), "A's send went to A's own durable subscription: " + sent);
        assertEquals(List.of(), bus.read(b, mine, 30, 10), "A's send reached A's subscription, not B's");
        assertEquals(1, bus.join(b, channel, "billing", "b", 60).queueName().equals(mine.queueName()) ? 1 : 0,
                "B's nodes still share B's queue");
    }

    @Test
    void aTenantCannotReapAnotherRolesSubscriptions() throws Exception {
        String channel = unique("reaped");
        Subscription victim = bus.join(b, channel, null, "b", 1);
        exec(owner, "UPDATE pgmq_bus.subscription SET last_seen = now() - interval '1 hour' WHERE queue_name = '"
                + victim.queueName() + "'");
        assertEquals("ok: []", attempt("SELECT q FROM bus_reap(1) AS q"));
        assertEquals("ok: []", attempt("SELECT q FROM bus_reap_expired(100000) AS q"));
        assertEquals(1, count(owner, "SELECT count(*) FROM pgmq_bus.subscription WHERE queue_name = ?", victim.queueName()));
        assertEquals(List.of(victim.queueName()), bus.reapExpired(b, java.time.Duration.ofSeconds(10)),
                "B's own nodes reap B's dead subscription");
    }

    @Test
    void aRolesQuotaIsRefusedAtJoinWithAClearError() throws Exception {
        String role = "bus_tenant_quota";
        try (Connection tenant = BusDb.connectAsTenant(role, null, null)) {
            exec(owner, "DELETE FROM pgmq_bus.subscription WHERE owner = '" + role + "'");
            exec(owner, "INSERT INTO pgmq_bus.role_quota VALUES ('" + role + "', 2)"
                    + " ON CONFLICT (role_name) DO UPDATE SET max_subscriptions = 2");
            String channel = unique("quota");
            bus.join(tenant, channel, null, "q", 60);
            bus.join(tenant, channel, "durable", "q", 60);
            bus.join(tenant, channel, "durable", "q", 60); // the same durable subscription: nothing new
            BusException e = assertThrows(BusException.class, () -> bus.join(tenant, channel, null, "q", 60));
            assertEquals("53400", e.getSqlState());
            assertTrue(e.getMessage().contains("quota"), e.getMessage());
        }
    }

    @Test
    void aPublishTakesOneLockWhateverTheNumberOfSubscribers() throws Exception {
        String channel = unique("wide");
        for (int i = 0; i < 40; i++) {
            bus.join(b, channel, null, "b", 60);
        }
        b.setAutoCommit(false);
        try {
            assertEquals(40, bus.publish(b, channel, "{}", null, 0).size());
            assertTrue(count(b, "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() AND locktype = 'advisory'") <= 1,
                    "advisory locks do not grow with the subscribers");
        } finally {
            b.rollback();
            b.setAutoCommit(true);
        }
    }

    @Test
    void aChannelWithAQuotasWorthOfSubscribersPublishesWithDefaultLockSettings() throws Exception {
        String role = "bus_tenant_wide";
        int quota = Integer.parseInt(scalar(owner, "SELECT max_subscriptions::text FROM pgmq_bus.role_quota WHERE role_name = '*'"));
        assertEquals("64", scalar(owner, "SHOW max_locks_per_transaction"), "the default setting");
        try (Connection tenant = BusDb.connectAsTenant(role, null, null)) {
            exec(owner, "DELETE FROM pgmq_bus.role_quota WHERE role_name = '" + role + "'");
            exec(owner, "SELECT pgmq_bus.leave(queue_name) FROM pgmq_bus.subscription WHERE owner = '" + role + "'");
            String channel = unique("full");
            for (int i = 0; i < quota; i++) {
                bus.join(tenant, channel, null, "w", 60);
            }
            assertThrows(BusException.class, () -> bus.join(tenant, channel, null, "w", 60), "the quota is reached");
            tenant.setAutoCommit(false);
            assertEquals(quota, bus.publish(tenant, channel, "{}", null, 0).size());
            long locks = count(tenant, "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()");
            tenant.commit();
            tenant.setAutoCommit(true);
            System.out.println("a publish to " + quota + " subscribers held " + locks + " locks");
            exec(owner, "SELECT pgmq_bus.leave(queue_name) FROM pgmq_bus.subscription WHERE owner = '" + role + "'");
        }
    }
}
