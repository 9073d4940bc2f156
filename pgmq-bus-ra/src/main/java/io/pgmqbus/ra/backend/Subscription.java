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
 */
public record Subscription(String queueName, String channel, String durableName) {
    public Subscription {
        Objects.requireNonNull(queueName, "queueName");
        Objects.requireNonNull(channel, "channel");
    }

    public boolean durable() {
        return durableName != null;
    }
}
