// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import java.util.Objects;

/**
 * A joined subscription: the PGMQ queue that receives a channel's messages for one activation
 * (ephemeral) or for every activation sharing a durable name.
 *
 * @param queueName PGMQ queue name
 * @param channel the channel it subscribes to
 * @param durableName the durable subscription's name, or {@code null} for an ephemeral one
 * @param wakeKey what the queue's wake-up notifications say: its name (direct backend), or an
 *        opaque token that only its owner learns (isolated backend)
 */
public record Subscription(String queueName, String channel, String durableName, String wakeKey) {
    public Subscription {
        Objects.requireNonNull(queueName, "queueName");
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(wakeKey, "wakeKey");
    }

    /** A subscription whose wake-ups name its queue. */
    public Subscription(String queueName, String channel, String durableName) {
        this(queueName, channel, durableName, queueName);
    }

    public boolean durable() {
        return durableName != null;
    }
}
