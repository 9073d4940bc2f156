// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import static io.pgmqbus.ra.backend.BusDb.column;
import static io.pgmqbus.ra.backend.BusDb.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The operator's numbers per subscription, in SQL: cluster-wide for the direct role, a tenant's own for a tenant. */
class SubscriptionStatsTest {
    private static final String STATS = "SELECT concat_ws(' ', kind, depth, visible, in_flight, dead_letters,"
            + " oldest_age_seconds >= 0) FROM %s WHERE queue_name = ?"; // t: the oldest message has an age

    @Test
    void depthVisibleInFlightAndDeadLettersOfADirectSubscription() throws SQLException {
        PgmqBackend bus = new DirectBackend(AckMode.ARCHIVE);
        try (Connection c = BusDb.connect()) {
            String channel = unique("stats");
            Subscription s = bus.join(c, channel, "billing", "test", 60);
            for (int i = 0; i < 4; i++) {
                bus.publish(c, channel, "{\"i\": " + i + "}", null, 0);
            }
            List<QueuedMessage> read = bus.read(c, s, 30, 2);
            bus.deadLetter(c, s, read.get(0).msgId(), "boom");
            assertEquals(List.of("durable 3 2 1 1 t"),
                    column(c, String.format(STATS, "pgmq_bus.subscription_stats()"), s.queueName()),
                    "3 left (2 visible, 1 read and in flight), 1 dead letter waiting");
        }
    }

    @Test
    void aTenantSeesOnlyItsOwnSubscriptions() throws SQLException {
        PgmqBackend bus = new IsolatedBackend(AckMode.ARCHIVE);
        try (Connection a = BusDb.connectAsTenant("bus_tenant_a", null, null);
             Connection b = BusDb.connectAsTenant("bus_tenant_b", null, null)) {
            String channel = unique("stats_iso");
            Subscription mine = bus.join(a, channel, null, "a", 60);
            Subscription theirs = bus.join(b, channel, null, "b", 60);
            bus.publish(a, channel, "{}", null, 0);
            assertEquals(List.of("ephemeral 1 1 0 0 t"),
                    column(a, String.format(STATS, "public.bus_subscription_stats()"), mine.queueName()));
            assertEquals(List.of(), column(a, String.format(STATS, "public.bus_subscription_stats()"), theirs.queueName()),
                    "nothing of another role's");
            assertTrue(column(a, "SELECT queue_name FROM public.bus_subscription_stats()").stream()
                    .noneMatch(q -> q.equals(theirs.queueName())));
        }
    }
}
