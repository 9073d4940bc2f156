// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * An activation's concurrent deliveries: at most {@code maxSessions} at once, and the messages read
 * beyond the free sessions, waiting in memory for the next session that frees up (a finishing
 * delivery takes the next one itself, on its own thread).
 */
final class Sessions {
    private final int max;
    private final Semaphore permits;
    private final Queue<Held> waiting = new ConcurrentLinkedQueue<>();

    Sessions(int max) {
        this.max = max;
        this.permits = new Semaphore(max);
    }

    /** Takes a session when one is free now. */
    boolean tryTake() {
        return permits.tryAcquire();
    }

    /** Takes a session when one frees up within {@code millis}. */
    boolean take(long millis) throws InterruptedException {
        return permits.tryAcquire(millis, TimeUnit.MILLISECONDS);
    }

    void give() {
        permits.release();
    }

    /** Waits up to {@code millis} until at least one session is free, without taking it. */
    boolean awaitFree(long millis) throws InterruptedException {
        if (permits.tryAcquire(millis, TimeUnit.MILLISECONDS)) {
            permits.release();
            return true;
        }
        return false;
    }

    /** Waits up to {@code millis} until no delivery runs; true when none does. */
    boolean awaitIdle(long millis) throws InterruptedException {
        if (permits.tryAcquire(max, millis, TimeUnit.MILLISECONDS)) {
            permits.release(max);
            return true;
        }
        return false;
    }

    /** Keeps a message for the next free session. */
    void keep(Held h) {
        waiting.add(h);
    }

    boolean hasWaiting() {
        return !waiting.isEmpty();
    }

    /** The next waiting message, or null. */
    Held nextWaiting() {
        return waiting.poll();
    }

    /** Every waiting message, removed. */
    List<Held> takeWaiting() {
        List<Held> all = new ArrayList<>();
        for (Held h = waiting.poll(); h != null; h = waiting.poll()) {
            all.add(h);
        }
        return all;
    }
}
