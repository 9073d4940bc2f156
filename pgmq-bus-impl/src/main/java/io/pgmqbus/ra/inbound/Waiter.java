// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

/**
 * Where a reader waits between reads: until a wake-up (a notification for its queue, a stop) or a
 * timeout. A wake-up that comes while nobody waits is kept, so none is lost between a read and the wait.
 */
public final class Waiter {
    private boolean woken;

    public synchronized void wake() {
        woken = true;
        notifyAll();
    }

    /**
     * Waits up to {@code millis}; returns true when woken (and clears the wake-up), false on timeout.
     *
     * @throws InterruptedException when the thread is interrupted; its interrupt status is then clear
     *         and the caller must restore it
     */
    public synchronized boolean await(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (!woken) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            if (left <= 0) {
                return false;
            }
            wait(left);
        }
        woken = false;
        return true;
    }
}
