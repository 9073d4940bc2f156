// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.console;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import javax.management.ObjectName;

/**
 * One activation of this node, as its JMX bean {@code pgmq.bus:type=Subscription,...} shows it
 * (README "JMX: each activation of a node").
 *
 * @param subscription the durable subscription's name, {@code ""} for an ephemeral one
 * @param lastRead     when the reader last read, ISO-8601, or null
 */
public record NodeActivation(ObjectName name, String channel, String subscription, String kind, String queue, String activation,
                      boolean paused, String readerState, long outageMillis, long deliveringCount,
                      long messagesAcknowledged, long messagesKilled, String lastRead) {

    public JsonObject toJson() {
        JsonObjectBuilder json = Json.createObjectBuilder()
                .add("name", name.getCanonicalName())
                .add("activation", activation)
                .add("channel", channel)
                .add("subscription", subscription)
                .add("queue", queue)
                .add("paused", paused)
                .add("readerState", readerState)
                .add("outageMillis", outageMillis)
                .add("deliveringCount", deliveringCount)
                .add("messagesAcknowledged", messagesAcknowledged)
                .add("messagesKilled", messagesKilled);
        if (lastRead != null) {
            json.add("lastRead", lastRead);
        }
        return json.build();
    }
}
