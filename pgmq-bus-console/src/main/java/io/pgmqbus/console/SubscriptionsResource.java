// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.console;

import io.pgmqbus.api.BusOperations;
import io.pgmqbus.api.SubscriptionStatus;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * {@code GET /api/subscriptions}: every subscription with the database's numbers (the same from
 * every node), and, where this node has activations on its queue, whether they are paused and
 * how their readers are.
 */
@Path("subscriptions")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class SubscriptionsResource {
    @Inject
    private Bus bus;

    @Inject
    private NodeActivations activations;

    @GET
    public JsonArray list() {
        List<SubscriptionStatus> subscriptions = bus.call(BusOperations::subscriptions);
        List<NodeActivation> here = activations.all();
        JsonArrayBuilder array = Json.createArrayBuilder();
        for (SubscriptionStatus s : subscriptions) {
            JsonObjectBuilder json = Json.createObjectBuilder()
                    .add("channel", s.channel())
                    .add("kind", s.kind())
                    .add("queue", s.queue());
            addNullable(json, "subscription", s.subscription());
            addNullable(json, "node", s.node());
            addNullable(json, "depth", s.depth());
            addNullable(json, "visible", s.visible());
            addNullable(json, "inFlight", s.inFlight());
            if (s.oldestAgeSeconds() == null) {
                json.addNull("oldestAgeSeconds");
            } else {
                json.add("oldestAgeSeconds", s.oldestAgeSeconds());
            }
            json.add("deadLetters", s.deadLetters());
            addNullable(json, "lastSeen", s.lastSeen() == null ? null : s.lastSeen().toString());
            List<NodeActivation> mine = here.stream().filter(a -> a.queue().equals(s.queue())).toList();
            if (!mine.isEmpty()) {
                // several beans on one queue (a shared durable subscription): paused only when all are
                json.add("paused", mine.stream().allMatch(NodeActivation::paused));
                json.add("readerState", String.join(",", mine.stream().map(NodeActivation::readerState).distinct().toList()));
                JsonArrayBuilder list = Json.createArrayBuilder();
                mine.forEach(a -> list.add(a.toJson()));
                json.add("activations", list);
            }
            array.add(json);
        }
        return array.build();
    }

    private static void addNullable(JsonObjectBuilder json, String name, Object value) {
        if (value == null) {
            json.addNull(name);
        } else if (value instanceof Long l) {
            json.add(name, l);
        } else {
            json.add(name, value.toString());
        }
    }
}
