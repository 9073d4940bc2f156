// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.pgmqbus.example.it.faults.OrderStream.Outcome;
import io.pgmqbus.testdb.TestDatabase;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The database crashes (an immediate stop: every connection cut, WAL replayed at the next start)
 * under a steady stream of orders placed through two nodes: for a few seconds, and for longer than
 * twice the lease. Publishing fails cleanly meanwhile, nothing committed is lost, readers come back
 * by themselves, each says so once, and nobody's subscription is reaped for an outage all shared.
 */
class DatabaseFaultsIT extends OnTwoNodes {
    @Override
    protected void beforeCluster() {
        assumeTrue(TestDatabase.get().crashable(), "these tests crash the database, so they need the embedded one;"
                + " PGMQ_BUS_JDBC_URL names another");
    }

    @Test
    @Order(1)
    void aDatabaseCrashOfAFewSecondsLosesNothingCommittedAndReapsNobody() throws Exception {
        outage("crash-" + run, Duration.ofSeconds(3));
    }

    @Test
    @Order(2)
    void anOutageLongerThanTwiceTheLeaseReapsNobodyAndReadersComeBack() throws Exception {
        outage("outage-" + run, Duration.ofSeconds(2L * FaultEar.LEASE_SECONDS + 4));
    }

    @Test
    @Order(3)
    void undeployingWhileTheDatabaseIsDownTakesAtMostFiveSeconds() throws Exception {
        cluster.db().crash();
        try {
            Duration took = cluster.two().undeploy(FaultEar.NAME, Duration.ofSeconds(30));
            Cluster.figure("undeploy with the database down: %.1f s", took.toMillis() / 1000.0);
            assertTrue(took.compareTo(Duration.ofSeconds(5)) <= 0, "undeploy took " + took);
        } finally {
            cluster.db().restart();
        }
    }

    private void outage(String prefix, Duration down) throws Exception {
        Node one = cluster.one();
        Node two = cluster.two();
        Set<String> before = ledger.ephemeralQueues().keySet();
        String billing = ledger.billingQueue();
        long logOne = Files.size(one.log());
        long logTwo = Files.size(two.log());
        long crashedAt;
        long restartedAt;
        try (OrderStream stream = new OrderStream(prefix, List.of(one, two), 20)) {
            stream.awaitCommitted(20);
            crashedAt = stream.nowMs();
            cluster.db().crash();
            Thread.sleep(down.toMillis());
            long restartingAt = stream.nowMs();
            cluster.db().restart();
            restartedAt = stream.nowMs();
            // publishing works again, and a message published now is delivered: how long after the restart
            long firstCommit = Until.reached(Duration.ofSeconds(60), () -> stream.all().stream()
                    .filter(p -> p.outcome() == Outcome.COMMITTED && p.sentAtMs() > restartedAt)
                    .mapToLong(OrderStream.Placed::sentAtMs).min().orElse(-1), t -> t >= 0);
            assertTrue(firstCommit >= 0, "an order is committed after the database is back");
            stream.awaitCommitted(30);
            stream.close();

            List<String> committed = stream.items(Outcome.COMMITTED);
            List<OrderStream.Placed> duringOutage = stream.all().stream()
                    .filter(p -> p.sentAtMs() > crashedAt + 200 && p.answeredAtMs() < restartingAt).toList();
            assertFalse(duringOutage.isEmpty(), "orders were placed during the outage");
            assertEquals(Set.of(503), duringOutage.stream().map(OrderStream.Placed::status).collect(Collectors.toSet()),
                    "a publish while the database is down is refused with 503 Service Unavailable");

            Map<String, Integer> billed = Until.reached(Duration.ofSeconds(90), () -> ledger.acknowledged(billing, prefix),
                    m -> m.keySet().containsAll(committed));
            assertTrue(billed.keySet().containsAll(committed), "every committed order is billed; missing: "
                    + committed.stream().filter(i -> !billed.containsKey(i)).toList());
            List<String> refused = stream.items(Outcome.REFUSED);
            assertTrue(refused.stream().noneMatch(billed::containsKey), "a refused order is never billed");
            assertFalse(billed.containsValue(-1), "no order is acknowledged twice");
            long firstDelivery = firstDeliveryAfter(billing, prefix, stream, restartedAt);

            assertEquals(before, ledger.ephemeralQueues().keySet(), "no subscription is reaped because of the outage");
            for (Node node : List.of(one, two)) {
                String queue = ledger.ephemeralQueueOf(node.pid());
                Map<String, Integer> got = Until.reached(Duration.ofSeconds(60), () -> ledger.acknowledged(queue, prefix),
                        m -> m.keySet().containsAll(committed));
                assertTrue(got.keySet().containsAll(committed), () -> node.name() + "'s ephemeral subscription gets every committed"
                        + " order; missing (item, ms after the database was back): " + stream.all().stream()
                        .filter(p -> p.outcome() == Outcome.COMMITTED && !got.containsKey(p.item()))
                        .map(p -> p.item() + " " + (p.sentAtMs() - restartedAt)).toList());
            }
            Map<String, Integer> warnings = outageWarnings(one, logOne);
            warnings.putAll(outageWarnings(two, logTwo));
            // a reader that did not try to read while the database was down has nothing to report
            assertTrue(warnings.values().stream().allMatch(n -> n == 1), "each reader logs the outage at most once: " + warnings);

            Cluster.figure("database down %d s (immediate stop) under %d orders/s through two nodes: %d committed, %d refused"
                    + " with 503 (none billed), 0 lost, no subscription reaped; first order committed %.1f s and first order"
                    + " published after the restart billed %.1f s after the database was back; %d readers logged the outage, each once",
                    down.toSeconds(), 20, committed.size(), refused.size(), (firstCommit - restartedAt) / 1000.0,
                    (firstDelivery - restartedAt) / 1000.0, warnings.size());
        }
    }

    /** When (stream ms) the first order placed after the restart was billed: its placing time plus how long it waited. */
    private long firstDeliveryAfter(String billing, String prefix, OrderStream stream, long restartedAt) throws Exception {
        OrderStream.Placed first = stream.all().stream()
                .filter(p -> p.outcome() == Outcome.COMMITTED && p.sentAtMs() > restartedAt)
                .min(java.util.Comparator.comparingLong(OrderStream.Placed::sentAtMs)).orElseThrow();
        return first.sentAtMs() + ledger.ageWhenAcknowledged(billing, first.item()).toMillis();
    }

    /** How many times each reader of {@code node} logged "database unavailable" in its log after {@code offset}. */
    private static Map<String, Integer> outageWarnings(Node node, long offset) throws Exception {
        Matcher m = Pattern.compile("(pgmq-bus reader of [^:]*): database unavailable").matcher(node.logSince(offset));
        Map<String, Integer> counts = new java.util.TreeMap<>();
        while (m.find()) {
            counts.merge(node.name() + " " + m.group(1), 1, Integer::sum);
        }
        return counts;
    }
}
