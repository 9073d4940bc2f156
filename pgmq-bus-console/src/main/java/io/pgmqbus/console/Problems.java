// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.console;

import jakarta.json.Json;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Answers that are not 2xx, each with {@code {"error": "..."}}. */
final class Problems {
    private Problems() {
    }

    static Response response(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Json.createObjectBuilder().add("error", message == null ? status.getReasonPhrase() : message).build())
                .build();
    }

    static WebApplicationException badRequest(String message) {
        return new WebApplicationException(message, response(Response.Status.BAD_REQUEST, message));
    }

    static WebApplicationException notFound(String message) {
        return new WebApplicationException(message, response(Response.Status.NOT_FOUND, message));
    }
}
