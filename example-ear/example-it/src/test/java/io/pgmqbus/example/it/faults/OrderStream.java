// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A steady stream of orders placed through the example's REST endpoint ({@code POST
 * /example/api/orders}), round robin over the nodes, each with a unique item name; it remembers
 * what each answer means for the order: committed (201), refused (any other status: rolled back,
 * nothing stored; or the connection was refused: the node was down), or unknown (no answer: the
 * node died during the request).
 */
final class OrderStream implements AutoCloseable {
    enum Outcome { COMMITTED, REFUSED, UNKNOWN }

    /** One placed order: its item, which node took it, the answer, and when it was sent and answered (ms since the stream started). */
    record Placed(String item, String node, Outcome outcome, int status, long sentAtMs, long answeredAtMs) {
    }

    private final String prefix;
    private final List<Node> nodes;
    private final long periodNanos;
    private final Map<String, Placed> placed = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Thread thread;
    private final long started = System.nanoTime();

    /** Starts placing {@code perSecond} orders a second named {@code prefix-<n>}. */
    OrderStream(String prefix, List<Node> nodes, int perSecond) {
        this.prefix = prefix;
        this.nodes = List.copyOf(nodes);
        this.periodNanos = TimeUnit.SECONDS.toNanos(1) / perSecond;
        this.thread = new Thread(this::run, "order-stream-" + prefix);
        thread.start();
    }

    private void run() {
        long next = System.nanoTime();
        for (int n = 0; !stop.get(); n++) {
            Node node = nodes.get(n % nodes.size());
            String item = prefix + "-" + n;
            long sentAt = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            Node.Response r = node.post("/example/api/orders", "{\"item\":\"" + item + "\",\"quantity\":1}");
            Outcome outcome = r.status() == 201 ? Outcome.COMMITTED
                    : r.status() == Node.Response.CUT ? Outcome.UNKNOWN : Outcome.REFUSED;
            placed.put(item, new Placed(item, node.name(), outcome, r.status(), sentAt, nowMs()));
            next += periodNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            } else {
                next = System.nanoTime();
            }
        }
    }

    /** Milliseconds since the stream started, on the clock of {@link Placed#sentAtMs()}. */
    long nowMs() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    }

    /** Stops placing orders and waits for the last request to end. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        thread.join(TimeUnit.SECONDS.toMillis(60));
        if (thread.isAlive()) {
            throw new IllegalStateException("the order stream did not stop");
        }
    }

    /**
     * Waits (up to a minute) until {@code more} further orders were committed from now on, and fails
     * when they were not: the stream has run under that load before a fault is caused.
     */
    void awaitCommitted(int more) throws Exception {
        int target = items(Outcome.COMMITTED).size() + more;
        int reached = Until.reached(java.time.Duration.ofSeconds(60), () -> items(Outcome.COMMITTED).size(), n -> n >= target);
        if (reached < target) {
            throw new AssertionError("the order stream committed " + reached + " orders, not " + target + ", within a minute");
        }
    }

    List<Placed> all() {
        return new ArrayList<>(placed.values());
    }

    List<String> items(Outcome outcome) {
        return placed.values().stream().filter(p -> p.outcome() == outcome).map(Placed::item).sorted().toList();
    }
}
