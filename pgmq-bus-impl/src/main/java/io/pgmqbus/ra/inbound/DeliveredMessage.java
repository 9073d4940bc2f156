// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.api.BusException;
import io.pgmqbus.api.BusMessage;
import io.pgmqbus.ra.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** A message as handed to {@code onMessage}; headers are parsed once, on first use. */
final class DeliveredMessage implements BusMessage {
    private final long id;
    private final String channel;
    private final String payload;
    private final String headersJson;
    private final Instant enqueuedAt;
    private final int deliveryCount;
    private Map<String, String> headers;
    private JsonObject parsed;

    DeliveredMessage(long id, String channel, String payload, String headersJson, Instant enqueuedAt, int deliveryCount) {
        this.id = id;
        this.channel = channel;
        this.payload = payload;
        this.headersJson = headersJson;
        this.enqueuedAt = enqueuedAt;
        this.deliveryCount = deliveryCount;
    }

    @Override
    public long getId() {
        return id;
    }

    @Override
    public String getChannel() {
        return channel;
    }

    @Override
    public String getType() {
        return getHeader("type");
    }

    @Override
    public String getPayload() {
        return payload;
    }

    @Override
    public <T> T payloadAs(Class<T> type) {
        try {
            return Json.bind().fromJson(payload, type);
        } catch (RuntimeException e) {
            throw new BusException("payload of message " + id + " on channel '" + channel + "' does not map to "
                    + type.getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Map<String, String> getHeaders() {
        if (headers == null) {
            Map<String, String> parsed = new LinkedHashMap<>();
            JsonObject object = headerObject();
            for (Map.Entry<String, JsonValue> e : object.entrySet()) {
                parsed.put(e.getKey(), e.getValue().toString());
            }
            headers = Map.copyOf(parsed);
        }
        return headers;
    }

    private synchronized JsonObject headerObject() {
        if (parsed == null) {
            parsed = Json.object(headersJson);
        }
        return parsed;
    }

    @Override
    public String getHeader(String name) {
        JsonValue value = headerObject().get(name);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        return value instanceof JsonString s ? s.getString() : value.toString();
    }

    @Override
    public Instant getEnqueuedAt() {
        return enqueuedAt;
    }

    @Override
    public int getDeliveryCount() {
        return deliveryCount;
    }

    /** The raw headers JSON (possibly {@code null}). */
    String headersJson() {
        return headersJson;
    }

    @Override
    public String toString() {
        return "BusMessage[id=" + id + ", channel=" + channel + ", deliveryCount=" + deliveryCount + "]";
    }
}
