// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.faults;

import java.time.Duration;
import java.util.function.Predicate;

/** Waiting on a condition the database or a server will reach, with a deadline; the caller asserts the last value. */
final class Until {
    /** A probe that may fail with a checked exception (a query). */
    interface Probe<T> {
        T get() throws Exception;
    }

    private Until() {
    }

    /** Probes every 100 ms until {@code done} holds or {@code timeout} passed; returns the last value probed. */
    static <T> T reached(Duration timeout, Probe<T> probe, Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.get();
            if (done.test(value) || System.nanoTime() > deadline) {
                return value;
            }
            Thread.sleep(100);
        }
    }
}
