// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.api;

import java.time.Instant;
import java.util.Map;

/** One delivered bus message: a PGMQ row's payload and headers, plus delivery facts. */
public interface BusMessage {
    /** PGMQ message id, unique within the subscription's queue. */
    long getId();

    /** The channel it was delivered on. */
    String getChannel();

    /** The message type (header {@code type}), or {@code null} when the sender gave none. */
    String getType();

    /** The payload as JSON text, exactly as stored. */
    String getPayload();

    /** The payload mapped to a Java type with JSON-B. */
    <T> T payloadAs(Class<T> type);

    /** Every header as JSON text of its value ({@code "order"} for a string), in no particular order. */
    Map<String, String> getHeaders();

    /** A header's value as text (a JSON string unquoted, other JSON as its text), or {@code null}. */
    String getHeader(String name);

    /** When it was sent. */
    Instant getEnqueuedAt();

    /** How many times it was delivered, this delivery included (1 the first time). */
    int getDeliveryCount();
}
