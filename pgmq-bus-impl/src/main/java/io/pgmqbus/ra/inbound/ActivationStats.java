// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import java.time.Instant;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one activation did on this node since it started: counters that only grow, the reader's
 * state and the time of its last read. Written by the reader and the deliveries, read by the
 * management beans; never reset.
 */
public final class ActivationStats {
    /** Where the reader is. */
    public enum ReaderState {
        /** Reading from the database. */
        READING,
        /** Waiting for a wake-up or its poll interval, or for a free session. */
        WAITING,
        /** The database is unreachable; retrying with back-off. */
        OUTAGE,
        /** Paused by an operator: reads nothing until resumed. */
        PAUSED,
        /** Stopped with its activation. */
        STOPPED
    }

    private final LongAdder delivered = new LongAdder();
    private final LongAdder acknowledged = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder retried = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    private final LongAdder wakeUps = new LongAdder();
    private final LongAdder polls = new LongAdder();
    private volatile ReaderState state = ReaderState.WAITING;
    private volatile Instant lastRead;
    /** Since when the reader is in an outage (nanoTime), or 0. */
    private volatile long outageSince;

    void addDelivered(int messages) {
        delivered.add(messages);
    }

    void addAcknowledged(int messages) {
        acknowledged.add(messages);
    }

    void addFailed() {
        failed.increment();
    }

    void addRetried() {
        retried.increment();
    }

    void addDeadLettered() {
        deadLettered.increment();
    }

    /** The reader's wait ended: woken by a notification (or a resume, a stop), or at its poll interval. */
    void waited(boolean woken) {
        (woken ? wakeUps : polls).increment();
    }

    void state(ReaderState state) {
        if (state == ReaderState.OUTAGE) {
            if (outageSince == 0) {
                outageSince = System.nanoTime() | 1; // never 0
            }
        } else if (state != ReaderState.STOPPED) {
            outageSince = 0;
        }
        this.state = state;
    }

    void read() {
        lastRead = Instant.now();
    }

    /** Messages handed to the bean (each message of a batch counts). */
    public long delivered() {
        return delivered.sum();
    }

    /** Messages acknowledged after a successful delivery. */
    public long acknowledged() {
        return acknowledged.sum();
    }

    /** Deliveries that failed (the bean threw, or its transaction rolled back). */
    public long failed() {
        return failed.sum();
    }

    /** Failed messages given back with their back-off, to be delivered again. */
    public long retried() {
        return retried.sum();
    }

    /** Messages dead-lettered after their last failed delivery. */
    public long deadLettered() {
        return deadLettered.sum();
    }

    /** Reader waits ended by a wake-up. */
    public long wakeUps() {
        return wakeUps.sum();
    }

    /** Reader waits that ran to their poll interval. */
    public long polls() {
        return polls.sum();
    }

    public ReaderState state() {
        return state;
    }

    /** How long the reader has been in an outage, in milliseconds; 0 when it is not in one. */
    public long outageMillis() {
        long since = outageSince;
        return since == 0 ? 0 : Math.max(0, (System.nanoTime() - since) / 1_000_000);
    }

    /** When the reader last read (whatever it found), or null before its first read. */
    public Instant lastRead() {
        return lastRead;
    }
}
