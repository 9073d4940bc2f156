// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.api;

import java.time.Duration;
import java.util.List;

/**
 * What an operator sees and repairs, through a connection of the adapter: the same database and
 * role as publishing, and the caller's transaction when there is one. With the isolated backend a
 * tenant sees and touches only its own subscriptions and their dead letters; nothing tells it
 * about another's. Failures throw {@link BusException}.
 */
public interface BusOperations {
    /** Every subscription (of this tenant) with its queue's numbers. */
    List<SubscriptionStatus> subscriptions();

    /** The dead letters waiting, of {@code channel} and durable {@code subscription} when given (null: any). */
    List<DeadLetter> deadLetters(String channel, String subscription);

    /**
     * Puts one dead letter back onto its subscription's queue as a new message (delivery count
     * reset, header {@code x-replayed} recording the replay).
     *
     * @return false when there is no such dead letter, or its subscription's queue is gone (it stays)
     */
    boolean replayDeadLetter(String deadLetterQueue, long id);

    /**
     * Replays the dead letters of {@code channel} and {@code subscription} whose error matches the
     * SQL {@code LIKE} pattern {@code errorLike} (each null: any).
     *
     * @return how many were replayed
     */
    long replayDeadLetters(String channel, String subscription, String errorLike);

    /** Deletes one dead letter; false when there is no such dead letter. */
    boolean purgeDeadLetter(String deadLetterQueue, long id);

    /** Deletes the dead letters dead-lettered longer ago than {@code olderThan} (of channel and subscription when given); how many. */
    long purgeDeadLetters(Duration olderThan, String channel, String subscription);
}
