// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench.driver;

import io.pgmqbus.bench.SoakResource;
import io.pgmqbus.testdb.TestDatabase;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The soak (README, "Reliability"): {@code soak.messages} messages through publish → message-driven
 * bean at a steady {@code soak.rate}, in WildFly with the adapter acknowledging by archive and
 * pruning its archives; one kill -9 of the server and one crash of PostgreSQL during the run. It
 * reports what was lost (committed, never received: must be none) and received twice, the heap
 * after a full collection at the start, middle and end, the bean's queue and archive over time
 * (rows, dead tuples, size) and how long each fault took to recover from; writes
 * {@code soak.json} and {@code soak.txt} to {@code bench.out}, and fails when anything was lost.
 *
 * <p>System properties: {@code soak.listener} ({@code batch}: a BusBatchListener bean, the default;
 * {@code message}: a BusMessageListener bean, which on this 2-core machine keeps up with only a few
 * hundred messages a second: each delivery is a two-phase commit of its own), {@code soak.messages}
 * (1,000,000), {@code soak.rate} (msg/s, 800), {@code soak.batch} (messages per publishing
 * transaction, 10), {@code soak.threads} (4),
 * {@code soak.sample} (s between samples, 30), {@code soak.kill.at} / {@code soak.crash.at}
 * (fraction of the messages committed when the fault comes, 0.05 / 0.4; 0 = none),
 * {@code soak.retention} / {@code soak.prune} (archive retention and pruning interval, s, 60 / 30),
 * {@code soak.drain} (longest wait for the backlog at the end, s, 900), {@code soak.in.doubt} (s after
 * which the driver commits a prepared transaction that the server's recovery left, as an operator
 * would, and reports it; 480, four recovery passes; 0 = never). Committing a branch earlier than the
 * transaction manager's recovery would have rolled it back as an orphan breaks its transaction: at
 * 120 s a run lost 20 messages, acknowledged without their receipts. The command fails when a
 * message was lost, and when prepared transactions were left (committed by the driver or still there).
 */
public final class SoakRunner {
    private static final String DATABASE = "pgmq_soak";

    private SoakRunner() {
    }

    record Options(String listener, long messages, int rate, int batch, int threads, int sample, double killAt,
            double crashAt, int retention, int prune, int drain, int inDoubt) {
        static Options fromSystemProperties() {
            return new Options(System.getProperty("soak.listener", "batch"), Long.getLong("soak.messages", 1_000_000), Integer.getInteger("soak.rate", 800),
                    Integer.getInteger("soak.batch", 10), Integer.getInteger("soak.threads", 4),
                    Integer.getInteger("soak.sample", 30), Double.parseDouble(System.getProperty("soak.kill.at", "0.05")),
                    Double.parseDouble(System.getProperty("soak.crash.at", "0.4")), Integer.getInteger("soak.retention", 60),
                    Integer.getInteger("soak.prune", 30), Integer.getInteger("soak.drain", 900),
                    Integer.getInteger("soak.in.doubt", 480));
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.fromSystemProperties();
        Path out = Path.of(System.getProperty("bench.out", "target/soak"));
        if (System.getProperty(TestDatabase.SETTINGS_PROPERTY) == null) {
            System.setProperty(TestDatabase.SETTINGS_PROPERTY, "fsync=on,synchronous_commit=on"); // durable commits, as in the benchmark
        }
        TestDatabase db = TestDatabase.get();
        String url = BenchRunner.prepareDatabase(db, DATABASE);
        Clients.Connector owner = () -> DriverManager.getConnection(url);
        Map<String, Object> machine = BenchRunner.machine(owner);
        machine.put("ack_mode", "archive, retention " + o.retention() + " s, pruned every " + o.prune() + " s");
        machine.put("messages", o.messages());
        machine.put("rate", o.rate());
        machine.put("per_transaction", o.batch());
        String channel = switch (o.listener()) {
            case "message" -> SoakResource.CHANNEL;
            case "batch" -> SoakResource.BATCH_CHANNEL;
            default -> throw new IllegalArgumentException("soak.listener must be message or batch, was " + o.listener());
        };
        machine.put("listener", o.listener().equals("batch") ? "SoakBatchListener (BusBatchListener), 4 sessions"
                : "SoakListener (BusMessageListener), 4 sessions");
        SoakTables tables = SoakTables.join(owner, channel);
        Path home = Path.of(System.getProperty("jboss.home"));
        Path deps = Path.of(System.getProperty("deps.dir"));
        List<Result> results = Collections.synchronizedList(new ArrayList<>());
        Result summary;
        try (WildFly server = WildFly.start(home, Integer.getInteger("bench.port.offset", 700), Map.of(
                "PGMQ_BUS_JDBC_URL", url, "PGMQ_BUS_ACK_MODE", "archive"))) {
            Path rar = WildFly.configured(deps.resolve("pgmq-bus-ra.rar"), Map.of(
                    "archiveRetentionSeconds", String.valueOf(o.retention()),
                    "archivePruneIntervalSeconds", String.valueOf(o.prune())));
            server.deploy(rar, deps.resolve("pgmq-bus-api.jar"), Path.of(System.getProperty("bench.war")), Duration.ofMinutes(3));
            tables.requireConsumer();
            log("deployed; server log: " + server.log() + "; the bean's queue: pgmq.q_" + tables.consumer());
            summary = run(o, db, server, tables, results);
        } finally {
            machine.put("load_end", BenchRunner.loadAverage());
            SoakReport report = new SoakReport(machine, results);
            Files.createDirectories(out);
            Files.writeString(out.resolve("soak.json"), new Report(machine, results).json());
            Files.writeString(out.resolve("soak.txt"), report.table());
            System.out.println();
            System.out.println(report.table());
            System.out.println("results: " + out.resolve("soak.json") + ", " + out.resolve("soak.txt"));
            db.stop();
        }
        long lost = (long) summary.number("lost");
        long left = (long) (summary.number("in_doubt_committed_by_driver") + summary.number("prepared_left"));
        if (lost > 0 || left > 0) {
            throw new IllegalStateException("soak: " + lost + " committed messages were never received; " + left
                    + " prepared transactions were left by the server's recovery");
        }
    }

    private static Result run(Options o, TestDatabase db, WildFly server, SoakTables tables, List<Result> results)
            throws Exception {
        SoakPublisher publisher = new SoakPublisher(server, tables.channel(), o.messages(), o.rate(), o.batch(), o.threads());
        SoakFaults faults = new SoakFaults(tables, publisher);
        long t0 = System.nanoTime();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "soak-sampler");
            t.setDaemon(true);
            return t;
        });
        List<String> inDoubt = Collections.synchronizedList(new ArrayList<>());
        sampler.scheduleAtFixedRate(() -> {
            results.add(sample(t0, server, tables, publisher));
            resolveInDoubt(tables, o.inDoubt(), inDoubt);
        }, 0, o.sample(), TimeUnit.SECONDS);
        log("publishing " + o.messages() + " messages at " + o.rate() + " msg/s, " + o.batch() + " per transaction");
        publisher.start();
        try {
            long n = o.messages();
            if (o.killAt() > 0) {
                results.add(heap(server, "heap before the kill", publisher, (long) (n * o.killAt() / 2)));
                publisher.awaitCommitted((long) (n * o.killAt()));
                log("kill -9 of WildFly");
                faults.kill(server);
            }
            results.add(heap(server, "heap at the start", publisher, (long) (n * Math.max(0.02, o.killAt() * 2))));
            if (o.crashAt() > 0 && db.crashable()) {
                publisher.awaitCommitted((long) (n * o.crashAt()));
                log("crash of PostgreSQL");
                faults.crash(db);
            } else if (o.crashAt() > 0) {
                log("the database is not the embedded one: no crash");
            }
            results.add(heap(server, "heap in the middle", publisher, n / 2));
            publisher.await(Long.MAX_VALUE);
        } finally {
            publisher.stop();
        }
        log("published; waiting for the backlog to drain (at most " + o.drain() + " s)");
        long drainStart = System.nanoTime();
        while (!(tables.depth() == 0 && tables.prepared() == 0)
                && System.nanoTime() - drainStart < TimeUnit.SECONDS.toNanos(o.drain())) {
            Thread.sleep(1000); // a polling period
        }
        double drained = (System.nanoTime() - drainStart) / 1e9;
        results.add(heap(server, "heap at the end", publisher, 0));
        faults.finish().forEach(r -> results.add(log(r)));
        sampler.shutdown();
        sampler.awaitTermination(5, TimeUnit.MINUTES);
        results.add(sample(t0, server, tables, publisher));
        Result summary = account(tables, publisher).put("in_doubt_committed_by_driver", inDoubt.size())
                .put("in_doubt", inDoubt.toString()).put("prepared_left", tables.prepared())
                .put("drain_s", Result.round(drained, 1))
                .put("elapsed_s", Result.round((System.nanoTime() - t0) / 1e9, 1));
        results.add(0, summary);
        return summary;
    }

    /** Lost, duplicated, dead-lettered: from the ledger, the receipts and what the publisher was told. */
    private static Result account(SoakTables tables, SoakPublisher publisher) throws Exception {
        BitSet ledgerTwice = new BitSet();
        BitSet receivedTwice = new BitSet();
        BitSet committed = tables.committed(ledgerTwice);
        BitSet received = tables.received(receivedTwice);
        BitSet dead = tables.deadLettered();
        BitSet acknowledged = publisher.acknowledged();
        BitSet expected = (BitSet) committed.clone();
        expected.or(acknowledged);
        BitSet lost = (BitSet) expected.clone();
        lost.andNot(received);
        lost.andNot(dead);
        BitSet notInLedger = (BitSet) acknowledged.clone();
        notInLedger.andNot(committed);
        BitSet committedAnyway = (BitSet) committed.clone();
        committedAnyway.andNot(acknowledged);
        BitSet unexpected = (BitSet) received.clone();
        unexpected.andNot(expected);
        return new Result("summary", "soak").put("published", expected.cardinality())
                .put("attempted", publisher.attempted()).put("failed_publishes", publisher.failed())
                .put("failed_but_committed", committedAnyway.cardinality())
                .put("acknowledged_not_in_ledger", notInLedger.cardinality())
                .put("published_twice", ledgerTwice.cardinality())
                .put("received", received.cardinality()).put("lost", lost.cardinality())
                .put("duplicates", receivedTwice.cardinality()).put("dead_lettered", dead.cardinality())
                .put("received_unpublished", unexpected.cardinality())
                .put("lost_first", lost.stream().limit(20).boxed().toList().toString())
                .put("schedule_slots_given_up", publisher.skipped());
    }

    /** The operator's step of {@link SoakTables#commitInDoubt}, when {@code seconds} is positive. */
    private static void resolveInDoubt(SoakTables tables, int seconds, List<String> resolved) {
        if (seconds <= 0) {
            return;
        }
        try {
            for (String x : tables.commitInDoubt(seconds)) {
                log("in doubt for more than " + seconds + " s, left by the server's recovery; committed: " + x);
                resolved.add(x);
            }
        } catch (Exception e) {
            log("could not look for transactions in doubt: " + e.getMessage());
        }
    }

    private static Result sample(long t0, WildFly server, SoakTables tables, SoakPublisher publisher) {
        Result r = new Result("sample", "").put("t_s", Math.round((System.nanoTime() - t0) / 1e9))
                .put("committed", publisher.committed()).put("failed", publisher.failed());
        try {
            tables.sample().forEach(r::put);
        } catch (Exception e) {
            r.put("error", "database: " + e.getMessage());
        }
        try {
            r.put("heap_used_mb", Result.round(server.post("soak/heap?gc=false").getJsonNumber("used").longValue() / 1e6, 1));
        } catch (Exception e) {
            r.put("heap_used_mb", Double.NaN);
        }
        return r.put("load1", BenchRunner.loadAverage().split(" ")[0]);
    }

    /** Waits until {@code committed} messages were, then the heap after a full collection. */
    private static Result heap(WildFly server, String name, SoakPublisher publisher, long committed) throws Exception {
        publisher.awaitCommitted(committed);
        JsonObject h = server.post("soak/heap?gc=true");
        return log(new Result("heap", name).put("at_committed", publisher.committed())
                .put("used_mb", Result.round(h.getJsonNumber("used").longValue() / 1e6, 1))
                .put("committed_mb", Result.round(h.getJsonNumber("committed").longValue() / 1e6, 1))
                .put("max_mb", Result.round(h.getJsonNumber("max").longValue() / 1e6, 1)));
    }

    private static Result log(Result r) {
        log(r.scenario + " " + r.name + ": " + r.metrics);
        return r;
    }

    private static void log(String what) {
        System.out.println("[soak " + java.time.LocalTime.now().withNano(0) + "] " + what);
    }
}
