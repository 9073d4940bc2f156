// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.tracing.web;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusConnectionFactory;
import io.pgmqbus.example.it.tracing.TraceRecords;
import io.pgmqbus.example.it.tracing.TracedListener;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * A request the server traces publishes a message (its payload a marker) and answers with the
 * request's span as the application sees it; what the listener saw of the message is read back.
 */
@Path("traced")
@RequestScoped
@Produces(MediaType.TEXT_PLAIN)
public class TracedResource {
    @Resource(lookup = "java:app/eis/pgmq-bus")
    private BusConnectionFactory bus;

    @EJB(lookup = "java:app/tracing-beans/TraceRecords")
    private TraceRecords records;

    @POST
    @Path("{marker}")
    public String publish(@PathParam("marker") String marker) throws Exception {
        SpanContext request = Span.current().getSpanContext();
        try (BusConnection c = bus.getConnection()) {
            c.publish(TracedListener.CHANNEL, "\"" + marker + "\""); // a JSON string: the marker
        }
        return "traceId=" + request.getTraceId() + "\nspanId=" + request.getSpanId() + "\nvalid=" + request.isValid();
    }

    @GET
    @Path("{marker}")
    public Response seen(@PathParam("marker") String marker) {
        String seen = records.get(marker);
        return seen == null ? Response.status(Response.Status.NOT_FOUND).build() : Response.ok(seen).build();
    }
}
