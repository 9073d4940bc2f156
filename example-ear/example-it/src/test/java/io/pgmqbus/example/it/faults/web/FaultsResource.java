// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.faults.web;

import io.pgmqbus.example.it.faults.beans.HaltingXAResource;
import io.pgmqbus.example.it.faults.beans.InDoubtPublisher;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Application;
import jakarta.ws.rs.core.Response;
import java.util.Locale;

/** {@code POST /faults/api/in-doubt?item=...&halt=prepare|commit}: a two-phase publish during which the server dies. */
@Path("/")
@RequestScoped
public class FaultsResource {
    @EJB
    private InDoubtPublisher publisher;

    @POST
    @Path("in-doubt")
    public Response inDoubt(@QueryParam("item") String item, @QueryParam("halt") String halt) throws Exception {
        publisher.publishThenHalt(item, HaltingXAResource.HaltIn.valueOf(halt.toUpperCase(Locale.ROOT)));
        return Response.ok("the server should have halted").build();
    }

    /** The fault WAR's JAX-RS application at {@code /faults/api}. */
    @ApplicationPath("/api")
    public static class FaultsApplication extends Application {
    }
}
