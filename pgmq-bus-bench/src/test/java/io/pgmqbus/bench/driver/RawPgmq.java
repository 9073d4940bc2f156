// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench.driver;

import io.pgmqbus.bench.Payload;
import io.pgmqbus.bench.driver.Clients.Window;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Scenario 1, the denominator: PGMQ itself through JDBC on the same database, no bus, no
 * container. Producers send one message per transaction ({@code pgmq.send}); consumers read up to
 * 10 ({@code pgmq.read}) and delete them ({@code pgmq.delete} with an array), each statement its
 * own transaction. As in the server's throughput runs, producers pause while 2000 messages wait.
 */
final class RawPgmq {
    private static final String QUEUE = "bench_raw";
    private static final int MAX_BACKLOG = 2000;

    private final Clients.Connector db;

    RawPgmq(Clients.Connector db) {
        this.db = db;
    }

    void reset() throws Exception {
        try (Connection c = db.open(); Statement st = c.createStatement()) {
            st.execute("SELECT pgmq.drop_queue(queue_name) FROM pgmq.list_queues() WHERE queue_name = '" + QUEUE + "'");
            st.execute("SELECT pgmq.create('" + QUEUE + "')");
        }
    }

    /** Sends only: {@code producers} clients, one message per transaction. */
    Result send(int producers, double warmup, double duration) throws Exception {
        reset();
        Window w = Window.after(warmup, duration);
        AtomicLong sent = new AtomicLong();
        long[][] latencies = new long[producers][];
        List<Clients.Loop> loops = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int me = p;
            loops.add((c, window) -> latencies[me] = produce(c, window, sent, null, null));
        }
        Clients.run(db, loops, w);
        return new Result("1 raw PGMQ", "send, " + producers + " client" + (producers > 1 ? "s" : ""))
                .put("msgs_per_s", Result.round(sent.get() / w.seconds(), 1))
                .latencies("send_", concat(latencies));
    }

    /** Producers and consumers at once: the ceiling a bus on this database is compared with. */
    Result pipeline(int producers, int consumers, double warmup, double duration) throws Exception {
        reset();
        Window w = Window.after(warmup, duration);
        AtomicLong sentInWindow = new AtomicLong();
        AtomicLong sentTotal = new AtomicLong();
        AtomicLong consumedTotal = new AtomicLong();
        AtomicLong consumedInWindow = new AtomicLong();
        List<Clients.Loop> loops = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            loops.add((c, window) -> produce(c, window, sentInWindow, sentTotal, consumedTotal));
        }
        for (int k = 0; k < consumers; k++) {
            loops.add((c, window) -> consume(c, window, consumedTotal, consumedInWindow));
        }
        Clients.run(db, loops, w);
        return new Result("1 raw PGMQ", "send + read 10/delete, " + producers + " x " + consumers)
                .put("producers", producers).put("consumers", consumers)
                .put("msgs_per_s", Result.round(consumedInWindow.get() / w.seconds(), 1))
                .put("sent_per_s", Result.round(sentInWindow.get() / w.seconds(), 1));
    }

    /**
     * Consumption alone: {@code count} messages sent beforehand (send_batch), then {@code consumers}
     * clients read 10 and delete them until the queue is empty.
     */
    Result drain(int consumers, int count) throws Exception {
        reset();
        try (Connection c = db.open(); PreparedStatement send = c.prepareStatement(
                "SELECT count(*) FROM pgmq.send_batch('" + QUEUE + "', ?::jsonb[])")) {
            for (int from = 0; from < count; from += 500) {
                List<String> batch = new ArrayList<>();
                for (int seq = from; seq < Math.min(count, from + 500); seq++) {
                    batch.add(Payload.of("raw", seq));
                }
                send.setArray(1, c.createArrayOf("text", batch.toArray()));
                send.execute();
            }
        }
        AtomicLong consumed = new AtomicLong();
        Window forever = Window.after(0, 600);
        long start = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int k = 0; k < consumers; k++) {
            Thread t = new Thread(() -> {
                try (Connection c = db.open()) {
                    consumeUntil(c, consumed, count, forever);
                } catch (Exception e) {
                    failures.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(600_000);
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result("1 raw PGMQ", "drain " + count + ", read 10/delete, " + consumers + " consumer"
                + (consumers > 1 ? "s" : "")).put("consumers", consumers)
                .put("msgs_per_s", Result.round(count / seconds, 1));
    }

    private static void consumeUntil(Connection c, AtomicLong consumed, int count, Window w) throws Exception {
        try (PreparedStatement read = c.prepareStatement("SELECT msg_id FROM pgmq.read('" + QUEUE + "', 30, 10)");
             PreparedStatement delete = c.prepareStatement("SELECT pgmq.delete('" + QUEUE + "', ?::bigint[])")) {
            while (consumed.get() < count && !w.over()) {
                List<Long> ids = new ArrayList<>(10);
                try (ResultSet rs = read.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                if (ids.isEmpty()) {
                    LockSupport.parkNanos(1_000_000);
                    continue;
                }
                delete.setArray(1, c.createArrayOf("bigint", ids.toArray()));
                delete.execute();
                consumed.addAndGet(ids.size());
            }
        }
    }

    /** Sends until the window closes; returns the send latencies (µs) of the window. */
    private static long[] produce(Connection c, Window w, AtomicLong sentInWindow, AtomicLong sentTotal,
            AtomicLong consumedTotal) throws Exception {
        long[] lat = new long[1 << 16];
        int n = 0;
        try (PreparedStatement send = c.prepareStatement("SELECT * FROM pgmq.send('" + QUEUE + "', ?::jsonb)")) {
            for (long seq = 0; !w.over(); seq++) {
                while (sentTotal != null && sentTotal.get() - consumedTotal.get() > MAX_BACKLOG && !w.over()) {
                    LockSupport.parkNanos(100_000);
                }
                send.setString(1, Payload.of("raw", seq));
                long begin = System.nanoTime();
                try (ResultSet rs = send.executeQuery()) {
                    rs.next();
                }
                long end = System.nanoTime();
                if (sentTotal != null) {
                    sentTotal.incrementAndGet();
                }
                if (w.contains(begin)) {
                    sentInWindow.incrementAndGet();
                    if (n == lat.length) {
                        lat = java.util.Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = (end - begin) / 1000;
                }
            }
        }
        return java.util.Arrays.copyOf(lat, n);
    }

    private static void consume(Connection c, Window w, AtomicLong consumedTotal, AtomicLong consumedInWindow)
            throws Exception {
        try (PreparedStatement read = c.prepareStatement("SELECT msg_id FROM pgmq.read('" + QUEUE + "', 30, 10)");
             PreparedStatement delete = c.prepareStatement("SELECT pgmq.delete('" + QUEUE + "', ?::bigint[])")) {
            while (!w.over()) {
                List<Long> ids = new ArrayList<>(10);
                try (ResultSet rs = read.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                if (ids.isEmpty()) {
                    LockSupport.parkNanos(1_000_000); // nothing there: look again in a millisecond
                    continue;
                }
                Array array = c.createArrayOf("bigint", ids.toArray());
                delete.setArray(1, array);
                delete.execute();
                consumedTotal.addAndGet(ids.size());
                if (w.contains(System.nanoTime())) {
                    consumedInWindow.addAndGet(ids.size());
                }
            }
        }
    }

    static long[] concat(long[][] parts) {
        int size = 0;
        for (long[] p : parts) {
            size += p == null ? 0 : p.length;
        }
        long[] all = new long[size];
        int at = 0;
        for (long[] p : parts) {
            if (p != null) {
                System.arraycopy(p, 0, all, at, p.length);
                at += p.length;
            }
        }
        return all;
    }
}
