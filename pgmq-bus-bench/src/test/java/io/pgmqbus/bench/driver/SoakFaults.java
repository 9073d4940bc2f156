// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench.driver;

import io.pgmqbus.testdb.TestDatabase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The soak's two faults, each while the publisher goes on at its rate, and how long recovery took,
 * in seconds from the fault: until the server answers again (kill) or the database accepts
 * connections again (crash), until the first publish and the first delivery commit again (a new
 * ledger copy, a new receipt), and until the bean's queue is caught up (its oldest message younger
 * than {@link #CAUGHT_UP_SECONDS}: the messages the killed server held come back only after their
 * visibility timeout, those whose delivery was prepared only when the transaction manager's recovery
 * has committed it). The fault itself is synchronous; the watch goes on in the background while the
 * run continues, and what it has not seen by {@link #finish()} is reported as not seen.
 */
final class SoakFaults {
    static final double CAUGHT_UP_SECONDS = 5;

    private final SoakTables tables;
    private final SoakPublisher publisher;
    private final ExecutorService watches = Executors.newCachedThreadPool(task -> {
        Thread t = new Thread(task, "soak-recovery-watch");
        t.setDaemon(true);
        return t;
    });
    private final List<Future<Result>> watched = new ArrayList<>();
    private volatile boolean finishing;

    SoakFaults(SoakTables tables, SoakPublisher publisher) {
        this.tables = tables;
        this.publisher = publisher;
    }

    /** kill -9 of WildFly, then a restart at once. */
    void kill(WildFly server) throws Exception {
        inject("kill -9 WildFly, restart", server::kill, () -> {
            server.restart();
            if (!server.awaitReady(Duration.ofMinutes(5))) {
                throw new IllegalStateException("WildFly did not come back within 5 minutes after kill -9; see " + server.log());
            }
        });
    }

    /** An immediate stop of PostgreSQL (as a crash), then a start on the same data. */
    void crash(TestDatabase db) throws Exception {
        inject("PostgreSQL crash (immediate stop), restart", db::crash, db::restart);
    }

    /**
     * The fault, then the repair; the watch starts from the last publish and delivery committed
     * before the repair (read once the fault is complete, or after the repair when the database is
     * what is down).
     */
    private void inject(String name, Step fault, Step repair) throws Exception {
        long failedBefore = publisher.failed();
        Result r = new Result("fault", name).put("at_committed", publisher.committed());
        long t0 = System.nanoTime();
        fault.run();
        r.put("down_s", Result.round(since(t0), 2));
        long[] baseline = lastCommits();
        repair.run();
        r.put("back_s", Result.round(since(t0), 2));
        watch(r, t0, baseline == null ? lastCommits() : baseline, failedBefore);
    }

    /** {last ledger id, last receipt id}, or null while the database is down. */
    private long[] lastCommits() {
        try {
            return new long[] {tables.lastPublish(), tables.lastReceipt()};
        } catch (java.sql.SQLException e) {
            return null;
        }
    }

    /** Watches, every 100 ms until {@link #finish()}, for a new publish, a new delivery and the queue caught up. */
    private void watch(Result r, long t0, long[] baseline, long failedBefore) {
        Map<String, Check> checks = new LinkedHashMap<>();
        checks.put("first_publish_s", () -> tables.lastPublish() > baseline[0]);
        checks.put("first_delivery_s", () -> tables.lastReceipt() > baseline[1]);
        checks.put("caught_up_s", () -> tables.lastReceipt() > baseline[1] && tables.oldestSeconds() < CAUGHT_UP_SECONDS);
        watched.add(watches.submit(() -> {
            while (!checks.isEmpty() && !finishing) {
                for (var it = checks.entrySet().iterator(); it.hasNext(); ) {
                    var check = it.next();
                    boolean done;
                    try {
                        done = check.getValue().done();
                    } catch (Exception e) {
                        done = false; // the database is still coming back
                    }
                    if (done) {
                        r.put(check.getKey(), Result.round(since(t0), 2));
                        if (check.getKey().equals("first_publish_s")) {
                            r.put("failed_publishes", publisher.failed() - failedBefore);
                        }
                        it.remove();
                    }
                }
                Thread.sleep(100); // a polling period
            }
            checks.keySet().forEach(k -> r.put(k, "not seen"));
            return r;
        }));
    }

    /** Ends the watches (at the end of the run, the backlog drained) and returns what each fault measured. */
    List<Result> finish() throws Exception {
        finishing = true;
        List<Result> results = new ArrayList<>();
        for (Future<Result> f : watched) {
            results.add(f.get(1, TimeUnit.MINUTES));
        }
        watches.shutdown();
        return results;
    }

    private interface Check {
        boolean done() throws Exception;
    }

    private interface Step {
        void run() throws Exception;
    }

    private static double since(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
