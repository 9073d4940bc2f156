// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.web;

import io.pgmqbus.api.BusException;
import io.pgmqbus.example.Order;
import io.pgmqbus.example.OrderService;
import io.pgmqbus.example.Receipt;
import io.pgmqbus.example.Receipts;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ejb.EJBException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/orders} places an order (stored and published in one transaction);
 * {@code GET /api/receipts} shows what the beans got (the rows of {@code example_receipts}).
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
@RequestScoped
public class OrdersResource {
    @EJB
    private OrderService orders;

    @EJB
    private Receipts receipts;

    @POST
    @Path("orders")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response place(Order order, @QueryParam("fail") @DefaultValue("false") boolean fail) {
        if (order == null || order.item == null || order.item.isBlank() || order.quantity <= 0) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity(Map.of("error", "an order needs an item and a positive quantity")).build();
        }
        try {
            long id = orders.place(order, fail);
            return Response.status(Response.Status.CREATED).entity(Map.of("id", id)).build();
        } catch (EJBException e) {
            if (busFailed(e)) {
                // the bus (its database) is unavailable: worth retrying later, unlike a failed order
                return Response.status(Response.Status.SERVICE_UNAVAILABLE).header("Retry-After", "5")
                        .entity(Map.of("error", "the bus is unavailable, rolled back: nothing stored, nothing published")).build();
            }
            return Response.status(Response.Status.CONFLICT)
                    .entity(Map.of("error", "rolled back: nothing stored, nothing published")).build();
        }
    }

    private static boolean busFailed(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BusException) {
                return true;
            }
        }
        return false;
    }

    @GET
    @Path("receipts")
    public List<Receipt> receipts() {
        return receipts.all();
    }
}
