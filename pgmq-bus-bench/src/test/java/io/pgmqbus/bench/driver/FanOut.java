// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench.driver;

import io.pgmqbus.bench.Payload;
import io.pgmqbus.bench.driver.Clients.Window;
import io.pgmqbus.ra.backend.AckMode;
import io.pgmqbus.ra.backend.DirectBackend;
import io.pgmqbus.ra.backend.IsolatedBackend;
import io.pgmqbus.ra.backend.PgmqBackend;
import io.pgmqbus.ra.backend.Subscription;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Scenario 4: what one publish costs with 1, 4 and 16 subscribers on the channel, through the
 * adapter's own backend classes (the exact statements the adapter sends: one round trip, fan-out
 * in the database), direct and isolated. One client, one publish per transaction; the headers are
 * those the adapter adds to every message. Like the adapter's, the publishing session has the
 * wake-up trigger off: the adapter wakes readers after the commit, from another connection.
 */
final class FanOut {
    private final Clients.Connector owner;
    private final Clients.Connector tenant;

    /**
     * @param owner connections with the bus's own rights (direct backend)
     * @param tenant connections as a role that may only call the bus_* wrappers (isolated backend)
     */
    FanOut(Clients.Connector owner, Clients.Connector tenant) {
        this.owner = owner;
        this.tenant = tenant;
    }

    Result run(boolean isolated, int subscribers, double warmup, double duration) throws Exception {
        PgmqBackend backend = isolated ? new IsolatedBackend(AckMode.DELETE) : new DirectBackend(AckMode.DELETE);
        Clients.Connector db = isolated ? tenant : owner;
        String channel = "bench.fanout." + (isolated ? "isolated" : "direct") + subscribers;
        List<Subscription> joined = new ArrayList<>();
        try (Connection c = db.open()) {
            for (int i = 0; i < subscribers; i++) {
                joined.add(backend.join(c, channel, "s" + i, "bench", 600));
            }
        }
        String headers = "{\"channel\":\"" + channel + "\",\"id\":\"" + UUID.randomUUID()
                + "\",\"timestamp\":\"2026-11-22T12:00:00Z\",\"sender\":\"bench@localhost\",\"type\":\"bench\"}";
        Window w = Window.after(warmup, duration);
        long[][] latencies = new long[1][];
        long[] copies = new long[1];
        try {
            Clients.run(db, List.of((c, window) -> {
                backend.sessionNotifications(c, false); // as the adapter publishes: wake-ups leave after the commit
                long[] lat = new long[1 << 16];
                int n = 0;
                for (long seq = 0; !window.over(); seq++) {
                    long begin = System.nanoTime();
                    int sent = backend.publish(c, channel, Payload.of("fanout", seq), headers, 0).size();
                    long end = System.nanoTime();
                    if (sent != subscribers) {
                        throw new IllegalStateException("a publish to " + subscribers + " subscribers made " + sent + " copies");
                    }
                    if (window.contains(begin)) {
                        if (n == lat.length) {
                            lat = java.util.Arrays.copyOf(lat, n * 2);
                        }
                        lat[n++] = (end - begin) / 1000;
                        copies[0] += sent;
                    }
                }
                latencies[0] = java.util.Arrays.copyOf(lat, n);
            }), w);
        } finally {
            try (Connection c = db.open()) {
                for (Subscription s : joined) {
                    backend.leave(c, s);
                }
            }
        }
        return new Result("4 fan-out", (isolated ? "isolated" : "direct") + ", " + subscribers + " subscriber"
                + (subscribers > 1 ? "s" : ""))
                .put("backend", isolated ? "isolated" : "direct").put("subscribers", subscribers)
                .put("publishes_per_s", Result.round(latencies[0].length / w.seconds(), 1))
                .put("copies_per_s", Result.round(copies[0] / w.seconds(), 1))
                .latencies("publish_", latencies[0]);
    }
}
