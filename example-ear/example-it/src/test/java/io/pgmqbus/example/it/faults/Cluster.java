// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.faults;

import io.pgmqbus.example.it.ServerDatabase;
import io.pgmqbus.testdb.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The fault suite's cluster: the suite's PostgreSQL and two WildFly nodes (port offsets 800 and
 * 900, transaction node ids {@code node1} and {@code node2}) running {@link FaultEar}. The transaction
 * manager scans for in-doubt branches every {@value #RECOVERY_PERIOD_SECONDS} s (WildFly's default is
 * 120 s).
 */
record Cluster(TestDatabase db, Node one, Node two) implements AutoCloseable {
    static final Duration BOOT = Duration.ofMinutes(3);
    static final int RECOVERY_PERIOD_SECONDS = 5;
    /** Whether this JVM (one failsafe execution) already started a new figures file. */
    private static boolean figuresStarted;

    static Cluster start() throws Exception {
        TestDatabase db = TestDatabase.get();
        Path work = Path.of(System.getProperty("faults.dir"));
        Files.createDirectories(work);
        synchronized (Cluster.class) {
            if (!figuresStarted) {
                Files.deleteIfExists(figures());
                figuresStarted = true;
            }
        }
        Path ear = FaultEar.build(Path.of(System.getProperty("deps.dir")), work);
        Map<String, String> properties = Map.of(
                "RecoveryEnvironmentBean.periodicRecoveryPeriod", String.valueOf(RECOVERY_PERIOD_SECONDS),
                "RecoveryEnvironmentBean.recoveryBackoffPeriod", "1");
        ServerDatabase database = ServerDatabase.of(db);
        Path home = Path.of(System.getProperty("jboss.home"));
        Node one = new Node("node1", home, work, 800, database, properties);
        Node two = new Node("node2", home, work, 900, database, properties);
        one.install(ear);
        two.install(ear);
        Cluster cluster = new Cluster(db, one, two);
        try {
            CompletableFuture.allOf(CompletableFuture.runAsync(() -> boot(one)), CompletableFuture.runAsync(() -> boot(two))).join();
            // WildFly activates message-driven beans just after it reports the deployment done
            Ledger ledger = new Ledger(db);
            ledger.ephemeralQueueOf(one.pid());
            ledger.ephemeralQueueOf(two.pid());
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    private static void boot(Node node) {
        try {
            node.start(BOOT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A measured figure for the README's "Reliability": printed, and appended to {@code faults.dir/figures.txt}. */
    static void figure(String format, Object... args) {
        String line = String.format(java.util.Locale.ROOT, format, args);
        System.out.println("FIGURE " + line);
        try {
            Files.writeString(figures(), line + System.lineSeparator(), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path figures() {
        return Path.of(System.getProperty("faults.dir"), "figures.txt");
    }

    @Override
    public void close() {
        one.close();
        two.close();
    }
}
