// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.api;

import java.time.Instant;

/**
 * One subscription as the database sees it, the same from every node.
 *
 * @param channel          its channel
 * @param kind             {@code durable} or {@code ephemeral}
 * @param subscription     the durable subscription's name, or null for an ephemeral one
 * @param queue            its PGMQ queue
 * @param node             the node that joined it last (host and process)
 * @param depth            messages in the queue: visible, delayed and in flight; null when the queue is gone
 * @param visible          of them, readable now; null when the queue is gone
 * @param inFlight         of them, read and neither acknowledged nor visible again; null when the queue is gone
 * @param oldestAgeSeconds age of the oldest message; null when the queue is empty or gone
 * @param deadLetters      dead letters from it waiting in its dead-letter queue
 * @param lastSeen         its node's last heartbeat
 */
public record SubscriptionStatus(String channel, String kind, String subscription, String queue, String node,
                                 Long depth, Long visible, Long inFlight, Double oldestAgeSeconds, long deadLetters,
                                 Instant lastSeen) {
}
