// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs one measurement per request, inside the server, and answers with its raw results. Each
 * request blocks for warm-up + duration + drain (well under a minute with the driver's defaults).
 */
@Path("bench")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class BenchResource {
    private static final Logger LOG = Logger.getLogger(BenchResource.class.getName());
    /** How long the end of a run waits for the last messages to be acknowledged. */
    private static final long DRAIN_MILLIS = 120_000;

    @Inject
    private Recorder recorder;

    @EJB
    private Publisher publisher;

    @Resource
    private ManagedExecutorService executor;

    @Resource
    private ManagedThreadFactory threads;

    @GET
    @Path("ping")
    @Produces(MediaType.TEXT_PLAIN)
    public String ping() {
        return "ok";
    }

    /**
     * Latency: one publisher at a fixed rate (a message every 1/rate s, on schedule even when one
     * was late), one transaction per message.
     */
    @POST
    @Path("latency")
    public JsonObject latency(@QueryParam("target") Target target, @QueryParam("rate") int rate,
            @QueryParam("warmup") double warmup, @QueryParam("duration") double duration) throws Exception {
        long start = System.nanoTime();
        Run run = start(target, start, warmup, duration);
        long period = 1_000_000_000L / rate;
        for (long seq = 0; ; seq++) {
            long due = start + seq * period;
            if (due >= run.windowEnd()) {
                break;
            }
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            if (!run.reserve(10_000)) {
                throw new IllegalStateException(target + ": 2000 messages unacknowledged for 10 s; is the bean deployed?");
            }
            publisher.publish(target, run, seq);
        }
        run.awaitDrained(DRAIN_MILLIS);
        return run.result();
    }

    /**
     * Throughput: {@code publishers} concurrent publishers as fast as they can, one transaction per
     * message, pausing only while {@link Run#MAX_BACKLOG} messages wait unacknowledged (so the beans
     * always have work and the drain at the end stays short). With {@code consumers=false} the
     * driver has stopped the bean's delivery: the publishers never pause, and the answer comes as
     * soon as they stop (the driver starts delivery and asks for {@code drained}). For an
     * {@linkplain Target#app() application's own queue} the consumers are polling workers started
     * here, 1 or 4 as the target says, stopped once the run is drained.
     */
    @POST
    @Path("throughput")
    public JsonObject throughput(@QueryParam("target") Target target, @QueryParam("publishers") int publishers,
            @QueryParam("warmup") double warmup, @QueryParam("duration") double duration,
            @QueryParam("consumers") @DefaultValue("true") boolean consumers) throws Exception {
        // the workers get threads of their own: the managed executor's few threads are the publishers'
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        if (target != null && target.app()) {
            AppQueue.reset(target);
            for (int k = 0; consumers && k < (target == Target.APP_ONE ? 1 : 4); k++) {
                CompletableFuture<Void> done = new CompletableFuture<>();
                threads.newThread(() -> {
                    try {
                        AppQueue.work(target, recorder, stop);
                        done.complete(null);
                    } catch (Exception | Error e) {
                        done.completeExceptionally(e);
                    }
                }).start();
                workers.add(done);
            }
        }
        JsonObject result;
        try {
            result = publishAndConsume(target, publishers, warmup, duration, consumers);
        } catch (Exception | Error e) {
            stopWorkers(stop, workers, e);
            throw e;
        }
        stopWorkers(stop, workers, null);
        return result;
    }

    /**
     * Stops the workers and waits for them; a worker that failed fails the measurement, or is
     * added to {@code failure} when the measurement failed already.
     */
    private static void stopWorkers(AtomicBoolean stop, List<CompletableFuture<Void>> workers, Throwable failure)
            throws Exception {
        stop.set(true);
        for (Future<Void> worker : workers) {
            try {
                worker.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                if (failure == null) {
                    throw e;
                }
                failure.addSuppressed(e);
            }
        }
    }

    private JsonObject publishAndConsume(Target target, int publishers, double warmup, double duration, boolean consumers)
            throws Exception {
        long start = System.nanoTime();
        Run run = start(target, start, warmup, duration);
        int stride = Math.max(1, publishers);
        List<Future<?>> loops = new ArrayList<>();
        for (int p = 0; p < stride; p++) {
            long first = p;
            loops.add(executor.submit(() -> {
                for (long seq = first; System.nanoTime() < run.windowEnd(); seq += stride) {
                    if (consumers && !run.reserve(100)) {
                        seq -= stride; // no room yet: try the same number again
                        continue;
                    }
                    publisher.publish(target, run, seq);
                }
                return null;
            }));
        }
        for (Future<?> loop : loops) {
            loop.get(TimeUnit.NANOSECONDS.toMillis(run.windowEnd() - System.nanoTime()) + DRAIN_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
        if (!consumers) {
            return run.result();
        }
        if (!run.awaitDrained(DRAIN_MILLIS)) {
            LOG.log(Level.WARNING, "{0}: not every message was acknowledged within {1} ms", new Object[] {run.id(), DRAIN_MILLIS});
        }
        return run.result();
    }

    /**
     * A backlog for a drain measurement: {@code count} messages to {@code target}, published in
     * transactions of 500 while the driver has stopped the bean's delivery.
     */
    @POST
    @Path("preload")
    public JsonObject preload(@QueryParam("target") Target target, @QueryParam("count") int count) throws Exception {
        Run run = start(target, System.nanoTime(), 0, 3600);
        for (int from = 0; from < count; from += 500) {
            publisher.preload(target, run, from, Math.min(500, count - from));
        }
        return Json.createObjectBuilder().add("run", run.id()).add("published", count).build();
    }

    /** Waits until the current run's messages are all acknowledged (the driver started delivery); its result. */
    @POST
    @Path("drained")
    public JsonObject drained() throws Exception {
        Run run = recorder.current();
        if (!run.awaitDrained(DRAIN_MILLIS)) {
            LOG.log(Level.WARNING, "{0}: the backlog was not drained in time", run.id());
        }
        return run.result();
    }

    private Run start(Target target, long start, double warmup, double duration) {
        if (target == null || warmup < 0 || duration <= 0) {
            throw new IllegalArgumentException("target, warmup >= 0 and duration > 0 are required");
        }
        long windowStart = start + (long) (warmup * 1e9);
        String id = target.name().toLowerCase(java.util.Locale.ROOT) + "-" + Long.toHexString(start);
        return recorder.start(id, windowStart, windowStart + (long) (duration * 1e9));
    }
}
