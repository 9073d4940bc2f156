// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.fake;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.Predicate;

/** Waiting on a condition with a time limit: the test fails, naming what it waited for, when it runs out. */
public final class Await {
    private Await() {
    }

    @FunctionalInterface
    public interface Probe<T> {
        T get() throws Exception;
    }

    /** Polls {@code probe} until {@code done} holds; returns the value that satisfied it. */
    public static <T> T until(Duration timeout, String what, Probe<T> probe, Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        T value = probe.get();
        while (!done.test(value)) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout + " waiting for " + what + "; last value: " + value);
            }
            Thread.sleep(20);
            value = probe.get();
        }
        return value;
    }
}
