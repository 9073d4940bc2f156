// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench.driver;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.util.BitSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The soak's publisher, paced from outside the server: sequence numbers become due at a steady
 * rate, and a few threads hand them to the server in chunks ({@code POST soak/publish}, where they
 * are published {@code batch} per JTA transaction) until {@code target} messages were committed.
 * Each number is tried once: a failed publish (the server killed, the database down) is counted
 * and skipped, never retried. After an outage the schedule does not burst to catch up: it is kept
 * at most a second behind.
 */
final class SoakPublisher {
    private final WildFly server;
    private final String channel;
    private final long target;
    private final int rate;
    private final int batch;
    private final int chunk;
    private final int threads;
    private ExecutorService pool;

    /** The sequence numbers the server answered as committed. */
    private final BitSet acknowledged = new BitSet();
    private long committed;
    private long failed;
    private long skipped;
    private long inFlight;
    private long next;
    /** The schedule: number {@code n} is due at {@code origin + n / rate} seconds. */
    private long origin;
    private volatile long lastCommitNanos;
    private volatile boolean stopped;

    SoakPublisher(WildFly server, String channel, long target, int rate, int batch, int threads) {
        this.server = server;
        this.channel = channel;
        this.target = target;
        this.rate = rate;
        this.batch = batch;
        this.threads = threads;
        this.chunk = Math.max(batch, rate / 20);
    }

    void start() {
        origin = System.nanoTime();
        pool = Executors.newFixedThreadPool(threads);
        for (int i = 0; i < threads; i++) {
            pool.submit(this::loop);
        }
    }

    private Void loop() throws InterruptedException {
        for (long[] claim = claim(); claim != null; claim = claim()) {
            long from = claim[0];
            int count = (int) claim[1];
            int ok = 0;
            boolean error = false;
            try {
                JsonObject r = server.post("soak/publish?channel=" + channel + "&from=" + from + "&count=" + count + "&batch=" + batch);
                ok = r.getInt("committed");
                error = r.containsKey("error");
            } catch (IOException | RuntimeException e) {
                error = true;
            }
            settle(from, count, ok);
            if (error) {
                Thread.sleep(1000); // a server or database that is down answers at once: try again in a second
            }
        }
        return null;
    }

    /** The next chunk due, as {from, count}; waits until one is; null when the target is reached. */
    private synchronized long[] claim() throws InterruptedException {
        while (!stopped && committed < target) {
            long left = target - committed - inFlight;
            long due = (long) ((System.nanoTime() - origin) * (rate / 1e9));
            if (due - next > rate) { // more than a second behind: shift the schedule, do not burst
                skipped += due - next - rate;
                origin += (long) ((due - next - rate) * (1e9 / rate));
                due = next + rate;
            }
            int n = (int) Math.min(chunk, left);
            if (n > 0 && due - next >= n) {
                long from = next;
                next += n;
                inFlight += n;
                return new long[] {from, n};
            }
            long waitNanos = n > 0 ? (long) ((next + n - due) * (1e9 / rate)) : 50_000_000L;
            TimeUnit.NANOSECONDS.timedWait(this, Math.max(waitNanos, 1_000_000L));
        }
        return null;
    }

    private synchronized void settle(long from, int count, int ok) {
        acknowledged.set((int) from, (int) (from + ok));
        committed += ok;
        failed += count - ok;
        inFlight -= count;
        if (ok > 0) {
            lastCommitNanos = System.nanoTime();
        }
        notifyAll();
    }

    /** Waits until the target is reached (or {@code millis} passed); true when it was. */
    boolean await(long millis) throws InterruptedException {
        pool.shutdown();
        return pool.awaitTermination(millis, TimeUnit.MILLISECONDS);
    }

    /** Stops claiming numbers; requests in flight finish. */
    void stop() throws InterruptedException {
        synchronized (this) {
            stopped = true;
            notifyAll();
        }
        await(120_000);
    }

    /** Waits until at least {@code count} messages were committed. */
    synchronized void awaitCommitted(long count) throws InterruptedException {
        while (committed < Math.min(count, target) && !stopped) {
            wait(1000);
        }
    }

    synchronized long committed() {
        return committed;
    }

    synchronized long failed() {
        return failed;
    }

    /** Sequence numbers never tried because the schedule was shifted after an outage. */
    synchronized long skipped() {
        return skipped;
    }

    /** Sequence numbers handed out so far (committed, failed or in flight). */
    synchronized long attempted() {
        return next;
    }

    synchronized BitSet acknowledged() {
        return (BitSet) acknowledged.clone();
    }

    /** When the server last answered a commit ({@link System#nanoTime()}), 0 before the first. */
    long lastCommitNanos() {
        return lastCommitNanos;
    }
}
