// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The beans must recognise their messages in both forms they arrive in, or every run counts them lost. */
class PayloadTest {
    @Test
    void readsBackWhatItWrote() {
        String p = Payload.of("bus_one-1f", 42);
        assertEquals("bus_one-1f", Payload.run(p));
        assertEquals(42, Payload.seq(p));
    }

    @Test
    void readsTheTextPostgresqlReturnsForJsonb() {
        String stored = "{\"pad\": \"xxxx\", \"run\": \"bus_notify-a0\", \"seq\": 1234}";
        assertEquals("bus_notify-a0", Payload.run(stored));
        assertEquals(1234, Payload.seq(stored));
    }
}
