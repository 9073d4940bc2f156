// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.ra.fake.FaultyProxy;
import io.pgmqbus.ra.fake.RecordingEndpointFactory;
import io.pgmqbus.testdb.TestDatabase;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The LISTEN connection's faults that nothing reports: a peer that vanishes without closing. */
class ListenerFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aSilentlyDeadListenConnectionIsNoticedAndWakeUpsResume() throws Exception {
        TestDatabase db = TestDatabase.get();
        try (FaultyProxy proxy = FaultyProxy.before(db);
             AdapterFixture bus = new AdapterFixture("direct", ra -> {
                 ra.setJdbcUrl(proxy.route(db.jdbcUrl()));
                 ra.setHeartbeatSeconds(1);
             })) {
            Await.until(WAIT, "the LISTEN connection up", () -> bus.ra.wakeUps().listening(), up -> up);
            Await.until(WAIT, "only the LISTEN connection open", () -> proxy.open().size(), n -> n == 1);
            List<Socket> listen = proxy.open();
            String channel = channel("silent");
            RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> {
                s.setMaxPollSeconds(60); // without a wake-up, a message waits a minute
                s.setPollIntervalMs(200);
            }), false, (m, d) -> { });
            bus.publish(channel, "{\"n\": 1}");
            Await.until(WAIT, "the first message, woken", () -> mdb.received.size(), n -> n == 1);
            // a healthy connection answers every ping: it lives through several heartbeats
            Await.until(WAIT, "three pings answered", () -> bus.ra.wakeUps().pingsAnswered(), n -> n >= 3);
            assertEquals(1, bus.ra.wakeUps().connects(), "the healthy LISTEN connection was kept");

            proxy.stall(listen);
            bus.publish(channel, "{\"n\": 2}");
            Await.until(WAIT, "the message sent while the LISTEN connection is dead: found by polling",
                    () -> mdb.received.size(), n -> n == 2);
            Await.until(WAIT, "a new LISTEN connection", () -> bus.ra.wakeUps().listening() && proxy.open().size() >= 2,
                    up -> up);
            bus.publish(channel, "{\"n\": 3}");
            Await.until(WAIT, "a message woken by the new connection", () -> mdb.received.size(), n -> n == 3);
        }
    }
}
