// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.console;

import io.pgmqbus.api.DeadLetter;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code /api/dead-letters}: list (by channel and subscription), replay and purge, one by its
 * dead-letter queue and id or many by a filter. POSTs take JSON only, so a plain HTML form of
 * another site cannot send one.
 */
@Path("dead-letters")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class DeadLettersResource {
    @Inject
    private Bus bus;

    @GET
    public JsonArray list(@QueryParam("channel") String channel, @QueryParam("subscription") String subscription) {
        List<DeadLetter> dead = bus.call(ops -> ops.deadLetters(blankToNull(channel), blankToNull(subscription)));
        JsonArrayBuilder array = Json.createArrayBuilder();
        for (DeadLetter d : dead) {
            JsonObjectBuilder json = Json.createObjectBuilder()
                    .add("deadLetterQueue", d.deadLetterQueue())
                    .add("id", d.id())
                    .add("queue", d.queue());
            nullable(json, "channel", d.channel());
            nullable(json, "subscription", d.subscription());
            nullable(json, "error", d.error());
            if (d.deliveries() == null) {
                json.addNull("deliveries");
            } else {
                json.add("deliveries", d.deliveries());
            }
            nullable(json, "enqueuedAt", time(d.enqueuedAt()));
            nullable(json, "deadLetteredAt", time(d.deadLetteredAt()));
            nullable(json, "payload", d.payload());
            nullable(json, "headers", d.headers());
            array.add(json);
        }
        return array.build();
    }

    /**
     * {@code {"deadLetterQueue": q, "id": n}} replays one (404 when there is no such dead letter or
     * its queue is gone); {@code {"channel", "subscription", "errorLike"}} (each optional, a
     * {@code LIKE} pattern on the error) every match. Answers {@code {"replayed": n}}.
     */
    @POST
    @Path("replay")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject replay(JsonObject body) {
        Requests.body(body);
        String dlq = Requests.text(body, "deadLetterQueue");
        Long id = Requests.number(body, "id");
        long replayed;
        if (dlq != null || id != null) {
            requireBoth(dlq, id);
            if (!bus.call(ops -> ops.replayDeadLetter(dlq, id))) {
                throw Problems.notFound("no dead letter " + id + " in " + dlq + " (or its subscription's queue is gone)");
            }
            replayed = 1;
        } else {
            String channel = Requests.text(body, "channel");
            String subscription = Requests.text(body, "subscription");
            String errorLike = Requests.text(body, "errorLike");
            replayed = bus.call(ops -> ops.replayDeadLetters(channel, subscription, errorLike));
        }
        return Json.createObjectBuilder().add("replayed", replayed).build();
    }

    /**
     * {@code {"deadLetterQueue": q, "id": n}} deletes one (404 when there is none);
     * {@code {"olderThanSeconds": s, "channel", "subscription"}} those dead-lettered more than
     * {@code s} seconds ago (0: all that match; required, so that an empty body deletes nothing).
     * Answers {@code {"purged": n}}.
     */
    @POST
    @Path("purge")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject purge(JsonObject body) {
        Requests.body(body);
        String dlq = Requests.text(body, "deadLetterQueue");
        Long id = Requests.number(body, "id");
        long purged;
        if (dlq != null || id != null) {
            requireBoth(dlq, id);
            if (!bus.call(ops -> ops.purgeDeadLetter(dlq, id))) {
                throw Problems.notFound("no dead letter " + id + " in " + dlq);
            }
            purged = 1;
        } else {
            Long seconds = Requests.number(body, "olderThanSeconds");
            if (seconds == null || seconds < 0) {
                throw Problems.badRequest("give \"deadLetterQueue\" and \"id\", or \"olderThanSeconds\" (0 or more)"
                        + " with optional \"channel\" and \"subscription\"");
            }
            String channel = Requests.text(body, "channel");
            String subscription = Requests.text(body, "subscription");
            purged = bus.call(ops -> ops.purgeDeadLetters(Duration.ofSeconds(seconds), channel, subscription));
        }
        return Json.createObjectBuilder().add("purged", purged).build();
    }

    private static void requireBoth(String dlq, Long id) {
        if (dlq == null || id == null) {
            throw Problems.badRequest("one dead letter is named by both \"deadLetterQueue\" and \"id\"");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    private static void nullable(JsonObjectBuilder json, String name, String value) {
        if (value == null) {
            json.addNull(name);
        } else {
            json.add(name, value);
        }
    }
}
