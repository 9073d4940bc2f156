// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.console;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/**
 * {@code /api/activations}: this node's activations (JMX), and pause / resume of those of a
 * subscription ({@code {"channel": c, "subscription": s}}, {@code s} empty or absent for an
 * ephemeral one) or of one bean ({@code {"name": "pgmq.bus:type=Subscription,..."}}). Only this
 * node's: to stop a subscription, pause it on every node. Answers the activations touched.
 */
@Path("activations")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class ActivationsResource {
    @Inject
    private NodeActivations activations;

    @GET
    public JsonArray list() {
        JsonArrayBuilder array = Json.createArrayBuilder();
        activations.all().forEach(a -> array.add(a.toJson()));
        return array.build();
    }

    @POST
    @Path("pause")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonArray pause(JsonObject body) {
        return apply(body, true);
    }

    @POST
    @Path("resume")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonArray resume(JsonObject body) {
        return apply(body, false);
    }

    private JsonArray apply(JsonObject body, boolean pause) {
        List<NodeActivation> targets = targets(Requests.body(body));
        JsonArrayBuilder done = Json.createArrayBuilder();
        for (NodeActivation a : targets) {
            if (activations.invoke(a, pause)) {
                done.add(a.name().getCanonicalName());
            }
        }
        return done.build();
    }

    private List<NodeActivation> targets(JsonObject body) {
        String name = Requests.text(body, "name");
        if (name != null) {
            NodeActivation one;
            try {
                one = activations.named(name);
            } catch (IllegalArgumentException e) {
                throw Problems.badRequest(e.getMessage());
            }
            if (one == null) {
                throw Problems.notFound("this node has no activation " + name);
            }
            return List.of(one);
        }
        String channel = Requests.text(body, "channel");
        if (channel == null) {
            throw Problems.badRequest("give \"channel\" (and \"subscription\" for a durable one), or the bean's \"name\"");
        }
        String subscription = Requests.text(body, "subscription");
        List<NodeActivation> found = activations.of(channel, subscription);
        if (found.isEmpty()) {
            throw Problems.notFound("this node has no activation on channel " + channel
                    + (subscription == null ? " (ephemeral)" : ", subscription " + subscription));
        }
        return found;
    }
}
