// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.ra.backend.QueuedMessage;
import io.pgmqbus.ra.backend.Subscription;

/**
 * A message this activation read and still holds, invisible to other readers: waiting in memory
 * for a session, or in delivery. {@link Leases} extends its visibility until it is let go.
 */
final class Held {
    final Subscription subscription;
    final QueuedMessage message;
    final long readAtNanos;
    /** When its visibility is next extended ({@link System#nanoTime()}). */
    volatile long extendAtNanos;
    /** No longer extended: settled, handed back, no longer this reader's, or held past the limit. */
    volatile boolean letGo;

    Held(Subscription subscription, QueuedMessage message, long readAtNanos, long extendAtNanos) {
        this.subscription = subscription;
        this.message = message;
        this.readAtNanos = readAtNanos;
        this.extendAtNanos = extendAtNanos;
    }

    @Override
    public String toString() {
        return "message " + message.msgId() + " of queue " + subscription.queueName();
    }
}
