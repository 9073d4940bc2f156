// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.api;

import java.time.Instant;

/**
 * A message dead-lettered after its last failed delivery, waiting in a dead-letter queue.
 *
 * @param deadLetterQueue the dead-letter queue holding it (with {@code id}, what names it for a replay or a purge)
 * @param id              its id in that queue
 * @param queue           the subscription queue it came from
 * @param channel         that subscription's channel, or null when the subscription is gone
 * @param subscription    that subscription's durable name, or null (ephemeral, or gone)
 * @param error           why its last delivery failed
 * @param deliveries      how many deliveries it had, or null when not recorded
 * @param enqueuedAt      when it was first published, or null when not recorded
 * @param deadLetteredAt  when it was dead-lettered
 * @param payload         its payload, JSON
 * @param headers         its headers, JSON (with {@code x-dead-letter})
 */
public record DeadLetter(String deadLetterQueue, long id, String queue, String channel, String subscription,
                         String error, Integer deliveries, Instant enqueuedAt, Instant deadLetteredAt,
                         String payload, String headers) {
}
