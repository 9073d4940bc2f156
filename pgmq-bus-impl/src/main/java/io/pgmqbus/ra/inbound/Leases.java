// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.ra.ConnectionSource;
import io.pgmqbus.ra.backend.PgmqBackend;
import io.pgmqbus.ra.backend.QueuedMessage;
import io.pgmqbus.ra.backend.Subscription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Keeps the messages an activation holds invisible to other readers: halfway through each
 * visibility timeout their visibility is extended by another one (one statement per queue, no read
 * counted), so a message waiting for a session is not read again elsewhere, and a long delivery is
 * never run twice in parallel. A message held longer than {@code maxDeliverySeconds} is let go,
 * once, with a warning: it may then be read again while its delivery still runs.
 */
final class Leases {
    private static final Logger LOG = Logger.getLogger(Leases.class.getName());

    private final Set<Held> held = ConcurrentHashMap.newKeySet();
    private final int visibilitySeconds;
    private final long halfNanos;
    private final long limitNanos;
    private final LongSupplier clock;
    private final String who;

    Leases(int visibilitySeconds, int maxDeliverySeconds, String who, LongSupplier clock) {
        this.visibilitySeconds = visibilitySeconds;
        this.halfNanos = TimeUnit.SECONDS.toNanos(visibilitySeconds) / 2;
        this.limitNanos = TimeUnit.SECONDS.toNanos(maxDeliverySeconds);
        this.clock = clock;
        this.who = who;
    }

    /** Starts holding a message that was just read. */
    Held hold(Subscription s, QueuedMessage m) {
        long now = clock.getAsLong();
        Held h = new Held(s, m, now, now + halfNanos);
        held.add(h);
        return h;
    }

    /** Stops extending a message (it is settled or handed back). */
    void letGo(Held h) {
        h.letGo = true;
        held.remove(h);
    }

    /** How many messages are held now. */
    int holding() {
        return held.size();
    }

    /** Milliseconds until the next extension is due (0 when one is due now), or {@code Long.MAX_VALUE} with nothing held. */
    long millisUntilDue() {
        long now = clock.getAsLong();
        long next = Long.MAX_VALUE;
        for (Held h : held) {
            next = Math.min(next, Math.max(0, h.extendAtNanos - now));
        }
        return next == Long.MAX_VALUE ? next : TimeUnit.NANOSECONDS.toMillis(next);
    }

    /**
     * Extends the visibility of every held message whose extension is due. Those held past the
     * limit are let go instead, and so are those the database no longer counts as this reader's.
     */
    void extendDue(ConnectionSource connections, PgmqBackend backend) {
        long now = clock.getAsLong();
        Map<Subscription, List<Held>> due = new LinkedHashMap<>();
        for (Held h : held) {
            if (h.extendAtNanos > now) {
                continue;
            }
            if (now - h.readAtNanos >= limitNanos) {
                letGo(h);
                LOG.warning(() -> "pgmq-bus: " + who + " has held " + h + " for " + TimeUnit.NANOSECONDS.toSeconds(now - h.readAtNanos)
                        + " s, its limit (maxDeliverySeconds); its visibility is no longer extended, so it may be"
                        + " delivered again while this delivery still runs");
                continue;
            }
            due.computeIfAbsent(h.subscription, s -> new ArrayList<>()).add(h);
        }
        if (due.isEmpty()) {
            return;
        }
        connections.withConnection(c -> {
            for (Map.Entry<Subscription, List<Held>> e : due.entrySet()) {
                List<QueuedMessage> messages = e.getValue().stream().map(h -> h.message).toList();
                Set<Long> extended = backend.extend(c, e.getKey(), messages, visibilitySeconds);
                long next = clock.getAsLong() + halfNanos;
                for (Held h : e.getValue()) {
                    if (extended.contains(h.message.msgId())) {
                        h.extendAtNanos = next;
                    } else {
                        letGo(h); // acknowledged meanwhile, or read again by another reader
                    }
                }
            }
            return null;
        });
    }
}
