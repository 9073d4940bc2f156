// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.management;

/**
 * One activation (a message-driven bean on a channel) of this node, on the platform MBean server as
 * {@code pgmq.bus:type=Subscription,channel="…",subscription="…",activation="…"} (subscription
 * {@code ""} for an ephemeral one). Attribute and operation names follow Apache Artemis's queue
 * control where they mean the same thing.
 *
 * <p>{@code MessageCount}, {@code FirstMessageAge} and {@code DeadLetterCount} are facts of the
 * database, the same on every node (-1 when the database cannot be asked, or the queue is gone); the
 * other numbers are this node's, counted since the activation started.
 */
public interface SubscriptionMXBean {
    String getChannel();

    /** The durable subscription's name, or {@code ""} for an ephemeral one. */
    String getSubscription();

    /** {@code durable} or {@code ephemeral}. */
    String getKind();

    /** The PGMQ queue (its table is {@code pgmq.q_<queue>}), or {@code ""} before the first join. */
    String getQueue();

    /** The name the container gave the activation (usually the bean's). */
    String getActivation();

    /** Messages in the queue: visible, delayed and in flight, on every node. */
    long getMessageCount();

    /** Age of the oldest message in the queue in milliseconds; 0 when it is empty. */
    long getFirstMessageAge();

    /** Dead letters from this subscription waiting in its dead-letter queue. */
    long getDeadLetterCount();

    /** Messages this node holds: read and not yet acknowledged, retried or handed back. */
    long getDeliveringCount();

    /** Messages handed to the bean on this node (each message of a batch counts). */
    long getMessagesDelivered();

    /** Messages acknowledged after a successful delivery on this node. */
    long getMessagesAcknowledged();

    /** Failed deliveries on this node (the bean threw, or its transaction rolled back). */
    long getDeliveriesFailed();

    /** Failed messages given back with their back-off, to be delivered again. */
    long getMessagesRetried();

    /** Messages dead-lettered on this node after their last failed delivery. */
    long getMessagesKilled();

    /** Reader waits ended by a wake-up (a notification from the database). */
    long getWakeUps();

    /** Reader waits that ran out at the poll interval. */
    long getPolls();

    /** How many bean instances this activation delivers to at once ({@code maxSessions}). */
    int getConsumerCount();

    /** {@code READING}, {@code WAITING}, {@code OUTAGE}, {@code PAUSED} or {@code STOPPED}. */
    String getReaderState();

    /** When the reader last read, ISO-8601, or {@code ""} before its first read. */
    String getLastRead();

    /** How long the reader has been unable to reach the database, in milliseconds; 0 when it can. */
    long getOutageMillis();

    boolean isPaused();

    /** Stops reading (deliveries running now finish; what was read and not delivered is handed back). */
    void pause();

    /** Reads again at once. */
    void resume();

    /**
     * Puts this subscription's dead letters back onto its queue (delivery count reset, header
     * {@code x-replayed} recording the replay), as Artemis's retry of a dead-letter queue.
     *
     * @return how many were replayed
     */
    long retryMessages();

    /** Deletes this subscription's dead letters; how many. */
    long removeMessages();
}
