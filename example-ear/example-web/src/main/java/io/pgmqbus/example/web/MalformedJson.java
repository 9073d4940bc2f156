// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.web;

import jakarta.json.bind.JsonbException;
import jakarta.json.stream.JsonParsingException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;

/**
 * A request body that is not the JSON an order needs is the client's mistake: 400 with what was
 * wrong, not a 500. RESTEasy (WildFly) reports JSON-B's failure as a {@link ProcessingException},
 * Jersey (Payara) as the {@link JsonbException} itself; a processing failure with another cause
 * stays a server error.
 */
public final class MalformedJson {
    private MalformedJson() {
    }

    static Response badRequest(Throwable e) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                .entity(Map.of("error", "the request body is not a valid order in JSON: " + rootMessage(e))).build();
    }

    private static boolean isJson(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JsonbException || t instanceof JsonParsingException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    /** JSON-B's own failure (Jersey). */
    @Provider
    public static final class Binding implements ExceptionMapper<JsonbException> {
        @Override
        public Response toResponse(JsonbException e) {
            return badRequest(e);
        }
    }

    /** A reader's failure caused by JSON-B or JSON-P (RESTEasy). */
    @Provider
    public static final class Reading implements ExceptionMapper<ProcessingException> {
        @Override
        public Response toResponse(ProcessingException e) {
            if (isJson(e)) {
                return badRequest(e);
            }
            return Response.serverError().type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "the request could not be processed")).build();
        }
    }
}
