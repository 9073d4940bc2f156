// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.api;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A handle for publishing, taken from a {@link BusConnectionFactory} and closed after use
 * (try-with-resources). Inside a JTA transaction every publish commits or rolls back with it;
 * subscribers see nothing before the commit. Payloads are serialized with JSON-B; a {@code String}
 * payload is taken as JSON text as it is.
 *
 * <p>Every method throws {@link BusException} when the database refuses or cannot be reached; the
 * caller's container-managed transaction then rolls back.
 */
public interface BusConnection extends AutoCloseable {

    /** Publishes to every subscription of the channel. Returns the ids of the copies. */
    List<Long> publish(String channel, Object payload);

    /** Publishes with a type, headers of the caller's own (string values) and a delay (may be {@code null}). */
    List<Long> publish(String channel, String type, Object payload, Map<String, String> headers, Duration delay);

    /** Publishes several messages, in order, in one call. Returns every copy's id. */
    List<Long> publishBatch(String channel, List<?> payloads);

    /**
     * Sends to one durable subscription's queue only (a work queue): exactly one of its consumers
     * gets it. The subscription must exist (some activation has joined it once).
     */
    long send(String channel, String subscription, Object payload);

    /**
     * Delivers to the activations of the channel in this JVM only, without touching the database
     * and outside any transaction (the Python bus's local messages). Returns how many got it.
     */
    int publishLocal(String channel, Object payload);

    /**
     * The operator's view and tools (subscriptions and their numbers, dead letters to list, replay
     * and purge), on this connection: in the caller's transaction when there is one.
     */
    BusOperations operations();

    /** Returns the handle to the container. Idempotent. */
    @Override
    void close();
}
