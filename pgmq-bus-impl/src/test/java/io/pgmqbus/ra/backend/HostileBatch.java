// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.api.BusException;
import java.sql.Connection;
import java.util.List;

/** A batch with one invalid payload publishes none of it (one statement, all or nothing). */
final class HostileBatch {
    private HostileBatch() {
    }

    /** Publishes a batch with one invalid payload; asserts the error and that {@code member} got none of it. */
    static void assertRejectsInvalidJson(PgmqBackend bus, Connection c, String channel, Subscription member) {
        BusException e = assertThrows(BusException.class,
                () -> bus.publishBatch(c, channel, List.of("{\"ok\": 1}", "{broken", "{\"ok\": 2}"), null));
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        assertEquals(List.of(), bus.read(c, member, 30, 10), "nothing of the batch was published");
    }
}
