// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One measurement: what was published when, what arrived when, what was acknowledged. Times are
 * {@link System#nanoTime()} of this JVM (publisher and beans share it). A message counts for the
 * results when its commit started inside the window (latency) or when its acknowledgement
 * committed inside the window (throughput); warm-up and drain fall outside.
 */
public final class Run {
    /** How many messages may be published and not yet acknowledged before publishers wait. */
    public static final int MAX_BACKLOG = 2000;

    private final String id;
    private final long windowStart;
    private final long windowEnd;
    private final ConcurrentHashMap<Long, Long> commitStarted = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Long> commitReturned = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Long> arrivedAt = new ConcurrentHashMap<>();
    private final Set<Long> arrived = ConcurrentHashMap.newKeySet();
    private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong publishedInWindow = new AtomicLong();
    private final AtomicLong acknowledgedInWindow = new AtomicLong();
    private final AtomicLong redelivered = new AtomicLong();
    private final AtomicLong failedPublishes = new AtomicLong();
    private final Semaphore backlog = new Semaphore(MAX_BACKLOG);
    private long[] publishTimes = new long[4096];
    private int publishCount;

    Run(String id, long windowStart, long windowEnd) {
        this.id = id;
        this.windowStart = windowStart;
        this.windowEnd = windowEnd;
    }

    public String id() {
        return id;
    }

    long windowStart() {
        return windowStart;
    }

    long windowEnd() {
        return windowEnd;
    }

    boolean inWindow(long nanos) {
        return nanos >= windowStart && nanos < windowEnd;
    }

    /** Waits (bounded) until the backlog has room for one more message; false when it had none in time. */
    boolean reserve(long timeoutMillis) throws InterruptedException {
        return backlog.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    /** Called by the publisher just before it commits message {@code seq}. */
    void committing(long seq, long nanos) {
        commitStarted.put(seq, nanos);
    }

    /** Called after the publisher's commit returned (started at {@code begin}). */
    void published(long seq, long begin, long end) {
        published.incrementAndGet();
        commitReturned.put(seq, end);
        if (inWindow(begin)) {
            publishedInWindow.incrementAndGet();
            synchronized (this) {
                if (publishCount == publishTimes.length) {
                    publishTimes = Arrays.copyOf(publishTimes, publishCount * 2);
                }
                publishTimes[publishCount++] = end - begin;
            }
        }
    }

    void publishFailed(long seq) {
        failedPublishes.incrementAndGet();
        commitStarted.remove(seq);
        backlog.release();
    }

    private volatile long firstArrival = Long.MAX_VALUE;
    private volatile long lastAcknowledged;

    /** A bean's onMessage was entered at {@code nanos} for message {@code seq}. */
    void arrived(long seq, long nanos) {
        synchronized (this) {
            firstArrival = Math.min(firstArrival, nanos);
        }
        if (!arrived.add(seq)) {
            redelivered.incrementAndGet();
            return;
        }
        arrivedAt.put(seq, nanos);
    }

    /** The delivery transaction of message {@code seq} committed at {@code nanos}. */
    void acknowledged(long seq, long nanos) {
        if (acknowledged.add(seq)) {
            backlog.release();
            synchronized (this) {
                lastAcknowledged = Math.max(lastAcknowledged, nanos);
            }
            if (inWindow(nanos)) {
                acknowledgedInWindow.incrementAndGet();
            }
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Waits up to {@code millis} until every published message was acknowledged; true when it was. */
    synchronized boolean awaitDrained(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (acknowledged.size() < published.get()) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                return false;
            }
            wait(Math.min(left, 100));
        }
        return true;
    }

    /** Everything the driver needs: counts and the raw samples in microseconds. */
    synchronized JsonObject result() {
        double seconds = (windowEnd - windowStart) / 1e9;
        return Json.createObjectBuilder()
                .add("run", id)
                .add("windowSeconds", seconds)
                .add("published", published.get())
                .add("publishedInWindow", publishedInWindow.get())
                .add("failedPublishes", failedPublishes.get())
                .add("acknowledged", acknowledged.size())
                .add("acknowledgedInWindow", acknowledgedInWindow.get())
                .add("lost", Math.max(0, published.get() - acknowledged.size()))
                .add("redelivered", redelivered.get())
                .add("drainSeconds", lastAcknowledged > firstArrival ? (lastAcknowledged - firstArrival) / 1e9 : 0.0)
                .add("longestGapMillis", longestGapMillis())
                .add("latencyMicros", latencies(commitStarted))
                .add("afterCommitMicros", latencies(commitReturned))
                .add("publishMicros", micros(publishTimes, publishCount))
                .build();
    }

    /**
     * Latencies (µs) of the first deliveries of messages whose commit started inside the window, from
     * {@code from} (commit started, or returned: the part the commit's own flush is not in; a bean
     * may be entered before the publisher's commit call has returned, so these can be negative).
     */
    private JsonArrayBuilder latencies(Map<Long, Long> from) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        arrivedAt.forEach((seq, arrived) -> {
            Long started = commitStarted.get(seq);
            Long origin = from.get(seq);
            if (started != null && origin != null && inWindow(started)) {
                a.add((arrived - origin) / 1000);
            }
        });
        return a;
    }

    /**
     * The longest time between two consecutive first arrivals (ms): a drain that stalls once shows
     * it here, where its rate alone cannot tell a stall from a uniformly slow delivery.
     */
    private double longestGapMillis() {
        long[] times = arrivedAt.values().stream().mapToLong(Long::longValue).sorted().toArray();
        long longest = 0;
        for (int i = 1; i < times.length; i++) {
            longest = Math.max(longest, times[i] - times[i - 1]);
        }
        return Math.round(longest / 1e4) / 100.0;
    }

    private static JsonArrayBuilder micros(long[] nanos, int count) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (int i = 0; i < count; i++) {
            a.add(nanos[i] / 1000);
        }
        return a;
    }
}
