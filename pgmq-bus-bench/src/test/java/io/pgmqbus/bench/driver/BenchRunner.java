// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench.driver;

import io.pgmqbus.bench.Target;
import io.pgmqbus.ra.backend.SchemaInstaller;
import io.pgmqbus.testdb.TestDatabase;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The benchmark (README, "Performance"): starts PostgreSQL and WildFly (standalone-full, with the
 * benchmark EAR), runs every scenario for a fixed time after a warm-up, and writes
 * {@code results.json}, {@code results.csv} and {@code plot.png} to {@code bench.out}, with a table
 * on stdout. Ratios are computed against baselines measured in the same run.
 *
 * <p>System properties (all optional): {@code bench.scenarios} (comma list of idle, raw, fanout,
 * latency, throughput, drain, publish; default all but publish, which throughput includes),
 * {@code bench.warmup} / {@code bench.duration} (s, default 3 / 10), {@code bench.latency.warmup} /
 * {@code bench.latency.duration} (5 / 20), {@code bench.rate} (msg/s of the latency runs, 200),
 * {@code bench.idle} (s, 60), {@code bench.jit} (s of unmeasured load before the first measurement
 * in the server, 60), {@code bench.drain.targets} (comma list of the beans to drain, default all),
 * {@code bench.drain.repeat} (rounds of them, 1) and {@code bench.throughput.kinds} (comma list of
 * app, bus, batch, JMS: what the throughput runs measure besides raw PGMQ, default all).
 */
public final class BenchRunner {
    private static final String DATABASE = "pgmq_bench";
    private static final String TENANT = "bench_tenant";
    private static final String TENANT_PASSWORD = "bench-tenant";
    private static final int[][] CONFIGS = {{1, 1}, {1, 4}, {4, 1}, {4, 4}};

    private BenchRunner() {
    }

    /** What to run, and for how long (seconds). */
    record Options(Set<String> scenarios, double warmup, double duration, double latencyWarmup,
            double latencyDuration, int rate, double idle, double jit, List<Target> drains, List<String> kinds) {
        /** The beans the drain scenario drains, in order. */
        private static final List<Target> DRAINS = List.of(Target.BUS_ONE, Target.BUS_FOUR, Target.BUS_FOUR_NOT_TRANSACTED,
                Target.BUS_BATCH_ONE, Target.BUS_BATCH_FOUR, Target.JMS_ONE, Target.JMS_FOUR);

        static Options fromSystemProperties() {
            return new Options(Set.of(System.getProperty("bench.scenarios", "idle,raw,fanout,latency,throughput,drain")
                    .replace(" ", "").split(",")),
                    seconds("bench.warmup", "3"), seconds("bench.duration", "10"),
                    seconds("bench.latency.warmup", "5"), seconds("bench.latency.duration", "20"),
                    Integer.getInteger("bench.rate", 200), seconds("bench.idle", "60"), seconds("bench.jit", "60"),
                    drains(System.getProperty("bench.drain.targets"), Integer.getInteger("bench.drain.repeat", 1)),
                    kinds(System.getProperty("bench.throughput.kinds")));
        }

        /** What the throughput runs measure besides raw PGMQ, in this order. */
        private static final List<String> KINDS = List.of("app", "bus", "batch", "JMS");

        /** {@code names} (comma list of KINDS, any case; null or blank: all), in KINDS' order. */
        static List<String> kinds(String names) {
            List<String> chosen = chosen("bench.throughput.kinds", names, KINDS, k -> k);
            return KINDS.stream().filter(chosen::contains).toList();
        }

        /** {@code names} (comma list of DRAINS' names, any case; null or blank: all), {@code repeat} rounds of them. */
        static List<Target> drains(String names, int repeat) {
            List<Target> chosen = chosen("bench.drain.targets", names, DRAINS, Target::name);
            if (repeat < 1) {
                throw new IllegalArgumentException("bench.drain.repeat must be at least 1, was " + repeat);
            }
            List<Target> rounds = new ArrayList<>();
            for (int i = 0; i < repeat; i++) {
                rounds.addAll(chosen);
            }
            return List.copyOf(rounds);
        }

        /**
         * The members of {@code all} that {@code names} lists (comma list of their names, any case),
         * in its order; all of them when it is null or blank; an unknown name is an error naming
         * {@code property} and the choices.
         */
        private static <T> List<T> chosen(String property, String names, List<T> all,
                java.util.function.Function<T, String> name) {
            List<T> chosen = new ArrayList<>();
            for (String given : names == null ? new String[0] : names.replace(" ", "").split(",")) {
                if (!given.isEmpty()) {
                    chosen.add(all.stream().filter(t -> name.apply(t).equalsIgnoreCase(given)).findFirst()
                            .orElseThrow(() -> new IllegalArgumentException(property + ": '" + given
                                    + "' is not one of " + all)));
                }
            }
            return chosen.isEmpty() ? all : chosen;
        }

        private static double seconds(String property, String fallback) {
            return Double.parseDouble(System.getProperty(property, fallback));
        }
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.fromSystemProperties();
        Path out = Path.of(System.getProperty("bench.out", "target/bench"));

        // durable commits (fsync on), like Artemis's journal; statement counts for the idle scenario
        if (System.getProperty(TestDatabase.SETTINGS_PROPERTY) == null) {
            System.setProperty(TestDatabase.SETTINGS_PROPERTY,
                    "fsync=on,synchronous_commit=on,shared_preload_libraries=pg_stat_statements");
        }
        TestDatabase db = TestDatabase.get();
        String url = prepareDatabase(db, DATABASE);
        Clients.Connector owner = () -> DriverManager.getConnection(url);
        Clients.Connector tenant = () -> DriverManager.getConnection(url.replaceAll("[?&]user=.*$", ""), TENANT, TENANT_PASSWORD);

        Map<String, Object> machine = machine(owner);
        machine.put("ack_mode", "delete (raw baseline deletes too)");
        List<Result> results = new ArrayList<>() {
            @Override
            public boolean add(Result r) {
                System.out.print(new Report(machine, List.of(r)).table().lines().skip(1).findFirst().orElse("") + "\n");
                return super.add(r);
            }
        };
        Path home = Path.of(System.getProperty("jboss.home"));
        Path deps = Path.of(System.getProperty("deps.dir"));
        log("starting WildFly (standalone-full) from " + home);
        try {
            run(o, db, owner, tenant, results, home, deps, url);
        } finally {
            machine.put("load_end", loadAverage());
            Report report = new Report(machine, results);
            report.write(out);
            System.out.println();
            System.out.println(report.table());
            System.out.println("results: " + out.resolve("results.json") + ", " + out.resolve("results.csv")
                    + ", plot: " + out.resolve("plot.png"));
            db.stop();
        }
    }

    private static void run(Options o, TestDatabase db, Clients.Connector owner, Clients.Connector tenant,
            List<Result> results, Path home, Path deps, String url) throws Exception {
        Set<String> scenarios = o.scenarios();
        double warmup = o.warmup();
        double duration = o.duration();
        try (WildFly server = WildFly.start(home, Integer.getInteger("bench.port.offset", 500), Map.of(
                "PGMQ_BUS_JDBC_URL", url, "PGMQ_BUS_ACK_MODE", "delete"))) {
            server.deploy(deps.resolve("pgmq-bus-ra.rar"), deps.resolve("pgmq-bus-api.jar"),
                    Path.of(System.getProperty("bench.war")), Duration.ofMinutes(3));
            log("deployed; server log: " + server.log());

            if (scenarios.contains("idle")) {
                server.cli(IdleCost.STOPPED.stream().map(b -> WildFly.bean(b) + ":stop-delivery").toList());
                log("5 idle: " + o.idle() + " s with one idle activation");
                results.add(loaded(() -> new IdleCost(() -> db.connect(), DATABASE).measure(o.idle())));
                server.cli(IdleCost.STOPPED.stream().map(b -> WildFly.bean(b) + ":start-delivery").toList());
            }
            boolean publishOnly = scenarios.contains("throughput") || scenarios.contains("publish");
            if (o.jit() > 0 && (publishOnly || scenarios.contains("latency") || scenarios.contains("drain"))) {
                warmUp(server, o.jit());
            }
            RawPgmq raw = new RawPgmq(owner);
            Map<Integer, Double> rawSends = new java.util.HashMap<>();
            if (scenarios.contains("raw") || publishOnly || scenarios.contains("fanout")) {
                for (int clients : new int[] {1, 4}) {
                    log("1 raw: send, " + clients + " clients");
                    Result r = loaded(() -> raw.send(clients, warmup, duration));
                    rawSends.put(clients, r.number("msgs_per_s"));
                    results.add(r);
                }
            }
            if (scenarios.contains("fanout")) {
                FanOut fanOut = new FanOut(owner, tenant);
                for (boolean isolated : new boolean[] {false, true}) {
                    Result one = null;
                    for (int subscribers : new int[] {1, 4, 16}) {
                        log("4 fan-out: " + (isolated ? "isolated" : "direct") + ", " + subscribers + " subscribers");
                        Result r = loaded(() -> fanOut.run(isolated, subscribers, warmup, duration));
                        one = one == null ? r : one;
                        r.put("ratio_to_1_subscriber", Result.round(one.number("publishes_per_s") / r.number("publishes_per_s"), 2));
                        results.add(r);
                    }
                }
            }
            if (scenarios.contains("latency")) {
                for (Target t : List.of(Target.BUS_NOTIFY, Target.BUS_POLL, Target.JMS_LATENCY)) {
                    log("2/6 latency: " + t + " at " + o.rate() + " msg/s");
                    results.add(loaded(() -> latency(server, t, o.rate(), o.latencyWarmup(), o.latencyDuration())));
                }
                int fast = Integer.getInteger("bench.rate.high", 1000);
                for (Target t : List.of(Target.BUS_NOTIFY, Target.JMS_LATENCY)) {
                    log("2/6 latency: " + t + " at " + fast + " msg/s");
                    results.add(loaded(() -> latency(server, t, fast, o.latencyWarmup(), o.latencyDuration())));
                }
            }
            if (scenarios.contains("drain")) {
                int count = Integer.getInteger("bench.drain", 20_000);
                Map<Integer, Double> rawDrain = new java.util.HashMap<>();
                for (int consumers : new int[] {1, 4}) {
                    log("7 drain: raw, " + consumers + " consumers, " + count + " messages");
                    Result r = loaded(() -> raw.drain(consumers, count));
                    rawDrain.put(consumers, r.number("msgs_per_s"));
                    results.add(r);
                }
                for (Target t : o.drains()) {
                    log("7 drain: " + t + ", " + count + " messages");
                    Result r = loaded(() -> drain(server, t, count));
                    r.put("ratio_to_raw", Result.round(r.number("msgs_per_s") / rawDrain.get((int) r.number("consumers")), 2));
                    results.add(r);
                }
            }
            if (publishOnly) {
                // what the publishers alone reach, with no bean delivering: the most any run with
                // four of them can acknowledge on this machine (compared with raw sends of 4 clients)
                Result app = null;
                if (o.kinds().contains("app")) {
                    server.dataSource(driverJar(), io.pgmqbus.bench.AppQueue.DATASOURCE, url);
                    log("8 publish only: PGMQ in the app, 4 publishers, no worker");
                    app = loaded(() -> appPublishOnly(server, 4, warmup, duration));
                    if (rawSends.containsKey(4)) {
                        app.put("ratio_to_raw", Result.round(app.number("msgs_per_s") / rawSends.get(4), 2));
                    }
                    results.add(app);
                }
                log("3 publish only: bus, 4 publishers, delivery stopped");
                Result alone = loaded(() -> publishOnly(server, 4, warmup, duration));
                if (rawSends.containsKey(4)) {
                    alone.put("ratio_to_raw", Result.round(alone.number("msgs_per_s") / rawSends.get(4), 2));
                }
                if (app != null) {
                    alone.put("ratio_to_app", Result.round(alone.number("msgs_per_s") / app.number("msgs_per_s"), 2));
                }
                results.add(alone);
            }
            if (scenarios.contains("throughput")) {
                // raw consumers poll every millisecond when the queue is empty; four of them on two
                // cores can lower the ceiling, so each result is also compared with the best raw
                // figure of its producer count. The application's own PGMQ (publishers in the same
                // JTA transactions as the bus's, polling workers in the server) is the like-for-like
                // baseline: measured first, each bus and JMS result of the configuration is compared with it.
                Map<Integer, Double> bestRaw = new java.util.HashMap<>();
                List<Result> measured = new ArrayList<>();
                for (int[] pc : CONFIGS) {
                    log("1 raw: pipeline " + pc[0] + " x " + pc[1]);
                    Result ceiling = loaded(() -> raw.pipeline(pc[0], pc[1], warmup, duration));
                    results.add(ceiling);
                    bestRaw.merge(pc[0], ceiling.number("msgs_per_s"), Math::max);
                    Result app = null;
                    for (String kind : o.kinds()) {
                        if (kind.equals("batch") && pc[0] != 4) {
                            continue;
                        }
                        log("3/6/8 throughput: " + kind + " " + pc[0] + " x " + pc[1]);
                        Result r = loaded(() -> throughput(server, kind, pc[0], pc[1], warmup, duration));
                        r.put("ratio_to_raw", Result.round(r.number("msgs_per_s") / ceiling.number("msgs_per_s"), 2));
                        if (app == null && kind.equals("app")) {
                            app = r;
                        } else if (app != null) {
                            r.put("ratio_to_app", Result.round(r.number("msgs_per_s") / app.number("msgs_per_s"), 2));
                        }
                        results.add(r);
                        measured.add(r);
                    }
                }
                for (Result r : measured) {
                    r.put("ratio_to_best_raw", Result.round(r.number("msgs_per_s")
                            / bestRaw.get((int) r.number("producers")), 2));
                }
            }
        }
    }

    /**
     * Unmeasured load before the first measurement in the server: 4 publishers with a per-message
     * bean, a batch bean and a JMS bean, a third of {@code seconds} each. A 3 s warm-up leaves the
     * JIT compiling: in the first scenario of a run WildFly's compiler threads took half a core,
     * and the 4 publishers made 1,062 to 1,633 msg/s; after 60 s of load they took 3%, and 1,610.
     */
    private static void warmUp(WildFly server, double seconds) throws Exception {
        log("warming up the server: " + seconds + " s of unmeasured throughput runs");
        for (Target t : List.of(Target.BUS_FOUR, Target.BUS_BATCH_FOUR, Target.JMS_FOUR)) {
            server.post("throughput?target=" + t + "&publishers=4&warmup=0&duration=" + seconds / 3);
        }
    }

    private static Result latency(WildFly server, Target target, int rate, double warmup, double duration) throws Exception {
        JsonObject r = server.post("latency?target=" + target + "&rate=" + rate + "&warmup=" + warmup + "&duration=" + duration);
        String name = switch (target) {
            case BUS_NOTIFY -> "bus, NOTIFY wake-up";
            case BUS_POLL -> "bus, notifications off (poll 100 ms)";
            default -> "JMS, Artemis in WildFly, persistent";
        };
        Result result = new Result(target.bus() ? "2 latency" : "6 JMS latency", name + " (" + rate + " msg/s)")
                .put("rate", rate);
        result.samplesMicros = longs(r.getJsonArray("latencyMicros"));
        return counts(result.latencies("latency_", result.samplesMicros)
                .latencies("after_commit_", longs(r.getJsonArray("afterCommitMicros")))
                .latencies("publish_commit_", longs(r.getJsonArray("publishMicros"))), r);
    }

    /**
     * One throughput measurement; {@code kind} is bus (per-message beans), batch (BusBatchListener),
     * JMS, or app (PGMQ used by the application itself: {@code pgmq.send} on a JTA datasource,
     * polling workers in the server).
     */
    private static Result throughput(WildFly server, String kind, int publishers, int sessions, double warmup,
            double duration) throws Exception {
        Target target = switch (kind) {
            case "batch" -> sessions == 1 ? Target.BUS_BATCH_ONE : Target.BUS_BATCH_FOUR;
            case "bus" -> sessions == 1 ? Target.BUS_ONE : Target.BUS_FOUR;
            case "app" -> sessions == 1 ? Target.APP_ONE : Target.APP_FOUR;
            default -> sessions == 1 ? Target.JMS_ONE : Target.JMS_FOUR;
        };
        JsonObject r = server.post("throughput?target=" + target + "&publishers=" + publishers + "&warmup=" + warmup
                + "&duration=" + duration);
        double seconds = r.getJsonNumber("windowSeconds").doubleValue();
        Result result = new Result(target.bus() ? "3 throughput" : target.app() ? "8 app PGMQ" : "6 JMS thrput",
                (kind.equals("batch") ? "bus batch listener, " : target.bus() ? "bus, "
                        : target.app() ? "PGMQ in the app (JTA datasource), " : "JMS, ") + publishers
                + " publisher" + (publishers > 1 ? "s" : "") + " x " + sessions + " session" + (sessions > 1 ? "s" : ""))
                .put("producers", publishers).put("consumers", sessions)
                .put("msgs_per_s", Result.round(r.getJsonNumber("acknowledgedInWindow").longValue() / seconds, 1))
                .put("published_per_s", Result.round(r.getJsonNumber("publishedInWindow").longValue() / seconds, 1));
        return counts(result, r);
    }

    /**
     * {@code publishers} bus publishers (one JTA transaction per message, as in the throughput runs)
     * with the batch bean's delivery stopped, so that nothing is consumed meanwhile; then the bean
     * drains what they published (counted: nothing may be lost).
     */
    private static Result publishOnly(WildFly server, int publishers, double warmup, double duration) throws Exception {
        String bean = WildFly.bean("BusBatchFourSessionListener");
        server.cli(List.of(bean + ":stop-delivery"));
        JsonObject r;
        try {
            r = server.post("throughput?target=" + Target.BUS_BATCH_FOUR + "&publishers=" + publishers + "&warmup=" + warmup
                    + "&duration=" + duration + "&consumers=false");
        } finally {
            server.cli(List.of(bean + ":start-delivery"));
        }
        JsonObject drained = server.post("drained");
        double seconds = r.getJsonNumber("windowSeconds").doubleValue();
        return counts(new Result("3 publish only", "bus, " + publishers + " publishers, delivery stopped")
                .put("producers", publishers)
                .put("msgs_per_s", Result.round(r.getJsonNumber("publishedInWindow").longValue() / seconds, 1))
                .latencies("publish_", longs(r.getJsonArray("publishMicros"))), drained);
    }

    /**
     * {@code publishers} publishers of the application's own PGMQ (one JTA transaction per message,
     * as the bus's), with no worker reading: what they reach alone. Their queue is emptied by the
     * next measurement of that target.
     */
    private static Result appPublishOnly(WildFly server, int publishers, double warmup, double duration) throws Exception {
        JsonObject r = server.post("throughput?target=" + Target.APP_FOUR + "&publishers=" + publishers + "&warmup=" + warmup
                + "&duration=" + duration + "&consumers=false");
        double seconds = r.getJsonNumber("windowSeconds").doubleValue();
        return new Result("8 publish only", "PGMQ in the app, " + publishers + " publishers, no worker")
                .put("producers", publishers)
                .put("msgs_per_s", Result.round(r.getJsonNumber("publishedInWindow").longValue() / seconds, 1))
                .put("failed_publishes", r.getJsonNumber("failedPublishes").longValue())
                .latencies("publish_", longs(r.getJsonArray("publishMicros")));
    }

    /** The bean of {@code t}, stopped while {@code count} messages are published, then drains them. */
    private static Result drain(WildFly server, Target t, int count) throws Exception {
        String bean = switch (t) {
            case BUS_ONE -> "BusOneSessionListener";
            case BUS_FOUR -> "BusFourSessionsListener";
            case BUS_FOUR_NOT_TRANSACTED -> "BusFourSessionsNotTransactedListener";
            case BUS_BATCH_ONE -> "BusBatchOneSessionListener";
            case BUS_BATCH_FOUR -> "BusBatchFourSessionListener";
            case JMS_ONE -> "JmsOneSessionListener";
            case JMS_FOUR -> "JmsFourSessionsListener";
            default -> throw new IllegalArgumentException(t.name());
        };
        server.cli(List.of(WildFly.bean(bean) + ":stop-delivery"));
        server.post("preload?target=" + t + "&count=" + count);
        server.cli(List.of(WildFly.bean(bean) + ":start-delivery"));
        JsonObject r = server.post("drained");
        int consumers = t == Target.BUS_ONE || t == Target.BUS_BATCH_ONE || t == Target.JMS_ONE ? 1 : 4;
        double seconds = r.getJsonNumber("drainSeconds").doubleValue();
        Result result = new Result(t.bus() ? "7 drain" : "7 JMS drain", (t.bus() ? (t.name().contains("BATCH")
                ? "bus batch listener, " : t == Target.BUS_FOUR_NOT_TRANSACTED ? "bus, not transacted, " : "bus, ")
                : "JMS, ") + count + " backlog, " + consumers + " session"
                + (consumers > 1 ? "s" : "")).put("consumers", consumers)
                .put("msgs_per_s", Result.round(seconds > 0 ? r.getJsonNumber("acknowledged").longValue() / seconds : 0, 1))
                .put("longest_gap_ms", r.getJsonNumber("longestGapMillis").doubleValue());
        return counts(result, r);
    }

    /** The PostgreSQL driver's jar on this JVM's class path, which the server deploys for the application's datasource. */
    private static Path driverJar() throws java.net.URISyntaxException {
        return Path.of(org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static Result counts(Result result, JsonObject r) {
        return result.put("published", r.getJsonNumber("published").longValue())
                .put("acknowledged", r.getJsonNumber("acknowledged").longValue())
                .put("lost", r.getJsonNumber("lost").longValue())
                .put("redelivered", r.getJsonNumber("redelivered").longValue())
                .put("failed_publishes", r.getJsonNumber("failedPublishes").longValue());
    }

    private static long[] longs(JsonArray a) {
        long[] v = new long[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.getJsonNumber(i).longValue();
        }
        return v;
    }

    interface Measurement {
        Result run() throws Exception;
    }

    /** Runs a measurement and notes the machine's load average after it. */
    private static Result loaded(Measurement m) throws Exception {
        Result r = m.run();
        return r.put("load1", loadAverage());
    }

    /**
     * Creates the benchmark database {@code database} (embedded server, anew) with the bus installed
     * and a tenant role for the isolated backend; returns its JDBC URL with the credentials in it
     * (for the server).
     */
    static String prepareDatabase(TestDatabase db, String database) throws SQLException {
        String given = System.getProperty(TestDatabase.URL_VARIABLE, System.getenv(TestDatabase.URL_VARIABLE));
        boolean external = given != null && !given.isBlank();
        String url = external ? db.jdbcUrl() : db.urlFor(database);
        if (!external) {
            try (Connection c = db.connect(); Statement st = c.createStatement()) {
                st.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                st.execute("CREATE DATABASE " + database);
            }
        }
        if (db.user() != null && !url.contains("user=")) {
            url += (url.contains("?") ? "&" : "?") + "user=" + db.user() + (db.password() == null ? "" : "&password=" + db.password());
        }
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            new SchemaInstaller().install(c);
            st.execute("DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + TENANT + "') THEN "
                    + "CREATE ROLE " + TENANT + " LOGIN PASSWORD '" + TENANT_PASSWORD + "'; END IF; END$$");
            st.execute("GRANT pgmq_bus_client TO " + TENANT);
        }
        return url;
    }

    /** The machine, the database and the server of a run, and the load average at its start. */
    static Map<String, Object> machine(Clients.Connector db) throws SQLException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", OffsetDateTime.now().withNano(0).toString());
        m.put("cpus", Runtime.getRuntime().availableProcessors());
        m.put("memory_gb", Math.round(memoryBytes() / 1e9));
        m.put("load_start", loadAverage());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        try (Connection c = db.open(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT version(), current_setting('fsync'), current_setting('synchronous_commit'),"
                     + " (SELECT extversion FROM pg_extension WHERE extname = 'pgmq')")) {
            rs.next();
            m.put("postgresql", rs.getString(1));
            m.put("fsync", rs.getString(2));
            m.put("synchronous_commit", rs.getString(3));
            m.put("pgmq", rs.getString(4) == null ? "pgmq-bus compat install (sql/001)" : "extension " + rs.getString(4));
        }
        m.put("wildfly", Path.of(System.getProperty("jboss.home")).getFileName().toString() + ", standalone-full");
        return m;
    }

    private static long memoryBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (java.io.IOException e) {
            return -1;
        }
        return -1;
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    private static void log(String what) {
        System.out.println("[bench " + java.time.LocalTime.now().withNano(0) + "] " + what);
    }
}
