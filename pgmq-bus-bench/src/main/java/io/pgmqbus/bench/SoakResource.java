// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The soak's remote control (README, "Reliability"): the driver paces the publishing from outside
 * the server, so a kill of the server only costs the requests in flight, and reads the heap here.
 */
@Path("bench/soak")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class SoakResource {
    /** The channel of {@link SoakListener} (one message per call); the driver's ledger subscribes to it too. */
    public static final String CHANNEL = "soak";
    /** The channel of {@link SoakBatchListener} (several messages per call). */
    public static final String BATCH_CHANNEL = "soak.batch";
    /** Where {@link SoakListener} sends its receipts, to the durable subscription {@link #RECEIPTS_SUBSCRIPTION}. */
    public static final String RECEIPTS = "soak.receipts";
    public static final String RECEIPTS_SUBSCRIPTION = "receipts";
    private static final Logger LOG = Logger.getLogger(SoakResource.class.getName());

    @EJB
    private Publisher publisher;

    /**
     * Publishes messages {@code from} to {@code from + count - 1} in order, {@code batch} per JTA
     * transaction, and stops at the first failure: the messages before it were committed, the failed
     * transaction's may or may not have been (the driver's ledger subscription tells), later ones
     * were not tried.
     */
    @POST
    @Path("publish")
    public JsonObject publish(@QueryParam("channel") String channel, @QueryParam("from") long from,
            @QueryParam("count") int count, @QueryParam("batch") int batch) {
        if (!CHANNEL.equals(channel) && !BATCH_CHANNEL.equals(channel) || count <= 0 || batch <= 0) {
            throw new IllegalArgumentException("a soak channel, and a positive count and batch are required");
        }
        int committed = 0;
        JsonObjectBuilder answer = Json.createObjectBuilder();
        try {
            while (committed < count) {
                int n = Math.min(batch, count - committed);
                List<String> payloads = new ArrayList<>(n);
                for (long seq = from + committed; seq < from + committed + n; seq++) {
                    payloads.add(Payload.of(CHANNEL, seq));
                }
                publisher.publishAll(channel, payloads);
                committed += n;
            }
        } catch (Exception e) {
            LOG.log(Level.FINE, "soak: publishing from " + (from + committed) + " failed", e);
            answer.add("error", String.valueOf(e));
        }
        return answer.add("committed", committed).build();
    }

    /** The receipt of a soak message: its sequence number. */
    public static String receipt(String payload) {
        return "{\"seq\":" + Payload.seq(payload) + "}";
    }

    /** The heap now, after a full collection when {@code gc} is true (bytes). */
    @POST
    @Path("heap")
    public JsonObject heap(@QueryParam("gc") boolean gc) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        if (gc) {
            memory.gc();
        }
        MemoryUsage heap = memory.getHeapMemoryUsage();
        return Json.createObjectBuilder().add("used", heap.getUsed()).add("committed", heap.getCommitted())
                .add("max", heap.getMax()).build();
    }
}
