// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import static io.pgmqbus.ra.backend.BusDb.count;
import static io.pgmqbus.ra.backend.BusDb.exec;
import static io.pgmqbus.ra.backend.BusDb.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The direct backend reads and acknowledges with plain statements on the queue's tables: the same
 * results as PGMQ's functions, on the layout of the newest PGMQ and on that of 1.5 (no
 * {@code last_read_at}), for messages any PGMQ client sent.
 */
class QueueTablesTest {
    private Connection c;

    @BeforeEach
    void connect() throws SQLException {
        c = BusDb.connect();
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void readsAndAcknowledgesLikePgmqWithOrWithoutLastReadAt(boolean lastReadAt) throws SQLException {
        for (AckMode mode : AckMode.values()) {
            PgmqBackend bus = new DirectBackend(mode);
            String channel = unique("tables");
            Subscription s = bus.join(c, channel, null, "test", 60);
            if (!lastReadAt) {
                exec(c, "ALTER TABLE pgmq.q_" + s.queueName() + " DROP COLUMN last_read_at");
                exec(c, "ALTER TABLE pgmq.a_" + s.queueName() + " DROP COLUMN last_read_at");
            }
            exec(c, "SELECT pgmq.send('" + s.queueName() + "', '{\"n\": 1}'::jsonb)");
            exec(c, "SELECT pgmq.send('" + s.queueName() + "', '{\"n\": 2}'::jsonb, '{\"type\": \"t\"}'::jsonb)");
            List<QueuedMessage> first = bus.read(c, s, 30, 1);
            assertEquals(1, first.size());
            assertEquals("{\"n\": 1}", first.get(0).message(), "oldest first");
            assertEquals(1, first.get(0).readCount());
            assertTrue(first.get(0).visibleAgainAt().isAfter(java.time.Instant.now().plusSeconds(20)));
            List<QueuedMessage> second = bus.read(c, s, 0, 10);
            assertEquals(List.of("{\"n\": 2}"), second.stream().map(QueuedMessage::message).toList(), "the first is hidden");
            assertEquals("{\"type\": \"t\"}", second.get(0).headers());
            assertEquals(2, bus.read(c, s, 0, 10).get(0).readCount(), "visible again at once, read again");
            assertTrue(bus.acknowledge(c, s, first.get(0).msgId()));
            assertTrue(!bus.acknowledge(c, s, first.get(0).msgId()), "a second acknowledgement finds nothing");
            assertEquals(mode == AckMode.ARCHIVE ? 1 : 0, count(c, "SELECT count(*) FROM pgmq.a_" + s.queueName()
                    + " WHERE message = '{\"n\": 1}' AND read_ct = 1"));
            if (lastReadAt) {
                assertEquals(1, count(c, "SELECT count(*) FROM pgmq.q_" + s.queueName() + " WHERE last_read_at IS NOT NULL"));
            }
            bus.leave(c, s);
        }
    }
}
