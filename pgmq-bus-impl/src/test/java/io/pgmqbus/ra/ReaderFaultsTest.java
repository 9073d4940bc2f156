// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import static io.pgmqbus.ra.AdapterFixture.channel;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusMessage;
import io.pgmqbus.ra.fake.Await;
import io.pgmqbus.ra.fake.RecordingEndpointFactory;
import jakarta.resource.spi.work.Work;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the reader does when its container gets in the way: refused work, an interrupt. */
class ReaderFaultsTest extends AdapterTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aRefusedDeliveryWorkHandsTheRestOfTheBatchBackAtOnce() throws Exception {
        String channel = channel("refused");
        RecordingEndpointFactory mdb = bus.activate(bus.spec(channel, s -> s.setMaxSessions(2)), false, (m, d) -> { });
        bus.ctx.fakeWorkManager().refuse("DeliveryWork", 1);
        List<String> payloads = List.of("{\"n\": 1}", "{\"n\": 2}", "{\"n\": 3}", "{\"n\": 4}", "{\"n\": 5}");
        try (BusConnection c = bus.factory.getConnection()) {
            c.publishBatch(channel, payloads);
        }
        // the visibility timeout is 30 s: within 10 s only a hand-back makes them visible again
        Await.until(WAIT, "all five delivered", () -> mdb.received.stream().map(BusMessage::getPayload)
                .collect(Collectors.toSet()), got -> got.equals(Set.copyOf(payloads)));
    }

    @Test
    void anInterruptedReaderSaysSo() throws Exception {
        List<LogRecord> records = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                records.add(r);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger("io.pgmqbus.ra.inbound.ReaderWork");
        log.addHandler(capture);
        try {
            String channel = channel("interrupted");
            bus.activate(bus.spec(channel, s -> { }), false, (m, d) -> { });
            Map<Work, Thread> running = bus.ctx.fakeWorkManager().running;
            Thread reader = Await.until(WAIT, "the reader running", () -> running.entrySet().stream()
                    .filter(e -> e.getKey().getClass().getSimpleName().equals("ReaderWork"))
                    .map(Map.Entry::getValue).findFirst().orElse(null), t -> t != null);
            reader.interrupt();
            List<LogRecord> warnings = Await.until(WAIT, "a warning naming the interrupted reader", () -> records.stream()
                    .filter(r -> r.getLevel() == Level.WARNING && r.getMessage().contains("interrupted")
                            && r.getMessage().contains(channel)).toList(), w -> !w.isEmpty());
            assertEquals(1, warnings.size());
        } finally {
            log.removeHandler(capture);
        }
    }
}
