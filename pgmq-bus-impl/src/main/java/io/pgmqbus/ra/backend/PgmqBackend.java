// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.backend;

import java.sql.Connection;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Every database operation of the bus. Implementations hold every SQL statement the adapter sends;
 * they never open, commit or close connections: the caller owns the connection and its transaction,
 * so an operation takes part in whatever transaction the caller has (a JTA delivery, a publisher's).
 *
 * <p>Every method throws {@link io.pgmqbus.api.BusException} on failure, carrying the SQLSTATE.
 */
public interface PgmqBackend {

    /**
     * Joins a channel: creates (or, for a durable name that exists, finds) the subscription's queue
     * and registers it.
     *
     * @param durableName the durable shared subscription's name, or {@code null} for an ephemeral one
     * @param node who joins (host and process), recorded for operators
     * @param leaseSeconds how long the subscription counts as alive without a heartbeat
     */
    Subscription join(Connection c, String channel, String durableName, String node, int leaseSeconds,
                      Set<String> messageTypes);

    /** Joins without a message-type filter (every message of the channel). */
    default Subscription join(Connection c, String channel, String durableName, String node, int leaseSeconds) {
        return join(c, channel, durableName, node, leaseSeconds, Set.of());
    }

    /**
     * Puts one copy of the message on every live subscription of the channel, in one round trip.
     *
     * @param message the payload, JSON text
     * @param headers JSON object text, or {@code null}
     * @param delaySeconds how long the copies stay invisible (0 = deliverable at commit)
     * @return the ids of the copies, one per subscription reached
     */
    List<Long> publish(Connection c, String channel, String message, String headers, int delaySeconds);

    /**
     * Publishes several messages, in order, with the same headers, in one round trip.
     *
     * @return the ids of every copy, message by message
     */
    List<Long> publishBatch(Connection c, String channel, List<String> messages, String headers);

    /**
     * Turns the trigger's wake-ups on or off for the rest of this connection's session (outside a
     * transaction; inside one, a rollback undoes it). PostgreSQL refuses to PREPARE a transaction
     * that ran NOTIFY, so a connection that publishes in XA branches turns them off and wakes
     * readers itself with {@link #wake}.
     */
    void sessionNotifications(Connection c, boolean on);

    /** Wakes the readers of every subscription of the channel: at this transaction's commit, or at once in auto-commit. */
    void wake(Connection c, String channel);

    /**
     * Sends to one durable subscription's queue only (a work queue), in one round trip.
     *
     * @return the message id
     * @throws io.pgmqbus.api.BusException when no such durable subscription exists
     */
    long sendToSubscription(Connection c, String channel, String subscription, String message, String headers);

    /** Reads up to {@code quantity} visible messages, hiding them for {@code visibilitySeconds}. */
    List<QueuedMessage> read(Connection c, Subscription s, int visibilitySeconds, int quantity);

    /** Acknowledges a handled message (archive or delete, by the backend's {@link AckMode}). */
    boolean acknowledge(Connection c, Subscription s, long msgId);

    /**
     * Acknowledges several handled messages of one subscription in one statement.
     *
     * @return how many were still there
     */
    int acknowledgeAll(Connection c, Subscription s, Collection<Long> msgIds);

    /**
     * Acknowledges several handled messages of one subscription and commits the connection's
     * transaction, in one round trip: the statement {@link #acknowledgeAll} sends, followed by
     * {@code COMMIT} in the same request. When the acknowledgement fails the commit is not run and
     * the transaction is left aborted, for the caller to roll back.
     *
     * @return how many were still there
     */
    int acknowledgeAllAndCommit(Connection c, Subscription s, Collection<Long> msgIds);

    /** Hands a message back to be read again after {@code delaySeconds} (0 = at once). */
    boolean release(Connection c, Subscription s, long msgId, int delaySeconds);

    /**
     * Moves a message that could not be handled to the channel's dead-letter queue, recording the error.
     *
     * @return the id of the dead-letter copy, or {@code null} when the message was no longer there
     */
    Long deadLetter(Connection c, Subscription s, long msgId, String error);

    /**
     * Extends the visibility of messages this reader still holds (as it read them: same read
     * count) to {@code visibilitySeconds} from now, without counting a read.
     *
     * @return the ids extended; a message missing from it is no longer held (acknowledged, or read
     *         again by another reader)
     */
    Set<Long> extend(Connection c, Subscription s, Collection<QueuedMessage> held, int visibilitySeconds);

    /**
     * Makes messages that were read but never delivered visible again at once, their read not
     * counted, in one round trip. Messages no longer held are left alone.
     *
     * @return how many were handed back
     */
    int handBack(Connection c, Subscription s, Collection<QueuedMessage> messages);

    /**
     * Tells the database these subscriptions are alive (refreshes their last-seen).
     *
     * @return the queue names among them that are gone (left, reaped by another node, or dropped)
     */
    Set<String> heartbeat(Connection c, Collection<Subscription> subscriptions);

    /**
     * Drops the queues of ephemeral subscriptions not seen for {@code maxAge} nor for their own
     * lease (an operator's reap); returns their names.
     */
    List<String> reap(Connection c, Duration maxAge);

    /**
     * The heartbeat's reap: drops the ephemeral subscriptions not seen for twice their own lease,
     * among those whose lease is shorter than {@code healthyFor}, the time this node has been
     * heartbeating without an outage; returns their names.
     */
    List<String> reapExpired(Connection c, Duration healthyFor);

    /**
     * Deletes the archived messages older than {@code olderThan} of the subscriptions this role may
     * prune (every registered one in the direct backend, its own in the isolated one).
     *
     * @return how many were deleted
     */
    long pruneArchives(Connection c, Duration olderThan);

    /** Whether a failure says the subscription's queue is gone (so the reader must join again). */
    boolean queueGone(io.pgmqbus.api.BusException e);

    /** The database's numbers of {@code s}'s queue (of this role's own subscriptions only), or null when it is gone. */
    io.pgmqbus.api.SubscriptionStatus stats(Connection c, Subscription s);

    /** Every subscription (of this role's own only) with its queue's numbers. */
    List<io.pgmqbus.api.SubscriptionStatus> subscriptions(Connection c);

    /** The dead-letter tools this backend's role may use. */
    DeadLetters deadLetters();

    /** Leaves: drops an ephemeral subscription's queue; keeps a durable one's. */
    void leave(Connection c, Subscription s);
}
