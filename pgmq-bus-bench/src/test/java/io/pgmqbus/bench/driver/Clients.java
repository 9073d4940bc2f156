// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench.driver;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Driver-side JDBC clients for the baseline and fan-out scenarios: each runs a loop on its own
 * connection until the window closes; the window starts after the warm-up.
 */
final class Clients {
    /** One client's loop; it returns when {@link Window#over()}. */
    interface Loop {
        void run(Connection c, Window w) throws Exception;
    }

    /** A measurement window on this JVM's clock. */
    record Window(long start, long end) {
        static Window after(double warmupSeconds, double durationSeconds) {
            long start = System.nanoTime() + (long) (warmupSeconds * 1e9);
            return new Window(start, start + (long) (durationSeconds * 1e9));
        }

        boolean contains(long nanos) {
            return nanos >= start && nanos < end;
        }

        boolean over() {
            return System.nanoTime() >= end;
        }

        double seconds() {
            return (end - start) / 1e9;
        }
    }

    /** A connection source for the clients (a new auto-commit connection each). */
    interface Connector {
        Connection open() throws SQLException;
    }

    private Clients() {
    }

    /** Runs every loop on its own thread and connection, waits for all, and rethrows the first failure. */
    static void run(Connector connector, List<Loop> loops, Window window) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(loops.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (Loop loop : loops) {
                running.add(pool.submit(() -> {
                    try (Connection c = connector.open()) {
                        loop.run(c, window);
                    }
                    return null;
                }));
            }
            long waitMillis = TimeUnit.NANOSECONDS.toMillis(window.end() - System.nanoTime()) + 60_000;
            for (Future<?> f : running) {
                f.get(Math.max(waitMillis, 1000), TimeUnit.MILLISECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
