// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.faults;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.example.it.faults.OrderStream.Outcome;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Two WildFly nodes running the example on one PostgreSQL, a steady stream of orders placed through
 * both, and a node killed with SIGKILL in the middle of it. What is counted comes from the database:
 * an order the {@code billing} subscription acknowledged is a row of its archive, whose read count
 * is the number of deliveries it took.
 */
class ClusterFaultsIT extends OnTwoNodes {
    @Test
    @Order(1)
    void aSteadyStreamThroughBothNodesIsBilledOnceAndReachesEveryNode() throws Exception {
        String prefix = "steady-" + run;
        Node one = cluster.one();
        Node two = cluster.two();
        try (OrderStream stream = new OrderStream(prefix, List.of(one, two), 40)) {
            // a hundred orders, or what a minute gives on a loaded machine (a cold server answers slowly)
            Until.reached(Duration.ofSeconds(60), () -> stream.items(Outcome.COMMITTED).size(), n -> n >= 100);
            stream.close();
            List<String> committed = stream.items(Outcome.COMMITTED);
            assertEquals(stream.all().size(), committed.size(), () -> "every order is placed: " + stream.all());
            assertTrue(committed.size() >= 20, "orders placed: " + committed.size());

            Map<String, Integer> billed = awaitBilled(prefix, committed);
            assertEquals(Set.copyOf(committed), billed.keySet(), "each committed order is billed");
            assertEquals(Set.of(1), Set.copyOf(billed.values()), "each order is delivered to billing once, on one node");
            for (Node node : List.of(one, two)) {
                Map<String, Integer> got = awaitAcknowledged(ledger.ephemeralQueueOf(node.pid()), prefix, committed);
                assertEquals(Set.copyOf(committed), got.keySet(), node.name() + "'s ephemeral subscription gets every order");
            }
            Cluster.figure("steady stream, two nodes: %d orders placed, %d billed, each once", committed.size(), billed.size());
        }
    }

    @Test
    @Order(2)
    void aNodeKilledMidStreamLosesNothingAndItsQueueIsReapedAfterItsLeaseAndNotBefore() throws Exception {
        String prefix = "kill-" + run;
        Node one = cluster.one();
        Node two = cluster.two();
        String oldQueue = ledger.ephemeralQueueOf(one.pid());
        long restartedAtMs;
        String newQueue;
        List<String> committed;
        List<String> unknown;
        long reapedAfterMs;
        long restartMs;
        try (OrderStream stream = new OrderStream(prefix, List.of(one, two), 40)) {
            stream.awaitCommitted(60);
            long killedAt = System.nanoTime();
            one.kill();
            // not before its lease: publishers skip it after one lease, the reaper drops it after two
            Thread.sleep(FaultEar.LEASE_SECONDS * 1000L - 500);
            assertTrue(ledger.exists(oldQueue), "the killed node's queue is kept for its lease");
            boolean gone = !Until.reached(Duration.ofSeconds(4L * FaultEar.LEASE_SECONDS + 20), () -> ledger.exists(oldQueue), e -> !e);
            // The example's deliveries are two-phase (the receipt's row and the acknowledgement): a
            // node killed between a prepare and its commit leaves a branch in doubt that holds its
            // locks, on its own queue too, until that node's transaction manager ends it. Such a
            // queue cannot be dropped before; it goes once the node is back and has recovered.
            List<String> inDoubt = gone ? List.of() : ledger.prepared();
            assertTrue(gone || !inDoubt.isEmpty(), "the killed node's ephemeral queue is reaped (no branch in doubt holds it)");
            reapedAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
            assertTrue(reapedAfterMs >= FaultEar.LEASE_SECONDS * 1000L, "reaped after " + reapedAfterMs + " ms");

            long restarting = System.nanoTime();
            one.start(Cluster.BOOT);
            restartMs = (System.nanoTime() - restarting) / 1_000_000;
            if (!gone) {
                assertEquals(List.of(), Until.reached(Duration.ofSeconds(60), ledger::prepared, List::isEmpty),
                        "the restarted node's recovery ends the branches in doubt " + inDoubt);
                assertTrue(!Until.reached(Duration.ofSeconds(4L * FaultEar.LEASE_SECONDS + 20), () -> ledger.exists(oldQueue), e -> !e),
                        "the killed node's ephemeral queue is reaped once its branches in doubt are ended");
                reapedAfterMs = (System.nanoTime() - killedAt) / 1_000_000;
            }
            restartedAtMs = stream.nowMs();
            newQueue = ledger.ephemeralQueueOf(one.pid());
            stream.awaitCommitted(60);
            stream.close();
            committed = stream.items(Outcome.COMMITTED);
            unknown = stream.items(Outcome.UNKNOWN);
            List<String> afterRestart = stream.all().stream()
                    .filter(p -> p.outcome() == Outcome.COMMITTED && p.sentAtMs() > restartedAtMs)
                    .map(OrderStream.Placed::item).toList();

            // in flight at the kill: back after the visibility timeout (30 s), delivered on a live node
            Map<String, Integer> billed = awaitBilled(prefix, committed);
            assertTrue(billed.keySet().containsAll(committed), "every committed order is billed; missing: "
                    + committed.stream().filter(i -> !billed.containsKey(i)).toList());
            Set<String> extra = new HashSet<>(billed.keySet());
            committed.forEach(extra::remove);
            assertTrue(unknown.containsAll(extra), "billed but not placed: " + extra);
            assertFalse(billed.containsValue(-1), "no order is acknowledged twice");
            String billing = ledger.billingQueue();
            assertEquals(List.of(), Until.reached(Duration.ofSeconds(60), () -> ledger.waiting(billing, prefix), List::isEmpty),
                    "nothing is left waiting");
            long redelivered = billed.values().stream().filter(n -> n > 1).count();

            Map<String, Integer> survivor = awaitAcknowledged(ledger.ephemeralQueueOf(two.pid()), prefix, committed);
            assertTrue(survivor.keySet().containsAll(committed), "the surviving node's ephemeral subscription gets every order");
            Map<String, Integer> restarted = awaitAcknowledged(newQueue, prefix, afterRestart);
            assertTrue(restarted.keySet().containsAll(afterRestart), "the restarted node gets every order placed after it is up");
            assertFalse(afterRestart.isEmpty(), "orders were placed after the restart");
            Cluster.figure("kill -9 of one node mid-stream: %d orders committed, %d cut without an answer (%d of them committed),"
                    + " %d billed, 0 lost; %d delivered twice (in flight at the kill); dead node's queue reaped %.1f s after the kill"
                    + " (lease %d s%s); node back in %.1f s", committed.size(), unknown.size(), extra.size(), billed.size(),
                    redelivered, reapedAfterMs / 1000.0, FaultEar.LEASE_SECONDS,
                    inDoubt.isEmpty() ? "" : "; held by " + inDoubt.size() + " branch(es) in doubt until the node recovered",
                    restartMs / 1000.0);
        }
    }

    @Test
    @Order(3)
    void aPublishLeftInDoubtAfterTheCommitDecisionIsCommittedByRecoveryAndDeliveredOnce() throws Exception {
        inDoubt("decided-" + run, "commit", true);
    }

    @Test
    @Order(4)
    void aPublishLeftInDoubtBeforeAnyDecisionIsRolledBackByRecoveryAndNeverDelivered() throws Exception {
        inDoubt("undecided-" + run, "prepare", false);
    }

    /**
     * A publish in a two-phase transaction whose other resource halts the node ({@code halt}: in its
     * prepare, or in its commit after the transaction manager logged the decision); the bus's branch
     * is left prepared. After the node is started again, its transaction manager's recovery finds
     * the branch through the adapter and ends it as decided.
     */
    private void inDoubt(String item, String halt, boolean decidedToCommit) throws Exception {
        Node one = cluster.one();
        assertEquals(List.of(), Until.reached(Duration.ofSeconds(60), ledger::prepared, List::isEmpty),
                "no branch is in doubt before");
        Node.Response r = one.post("/faults/api/in-doubt?item=" + item + "&halt=" + halt, "");
        assertEquals(Node.Response.CUT, r.status(), () -> "the node dies during the request: " + r);
        one.awaitDeath(Duration.ofSeconds(30));
        List<String> inDoubt = ledger.prepared();
        assertEquals(1, inDoubt.size(), () -> "the bus's branch is left prepared: " + inDoubt);

        long restarting = System.nanoTime();
        one.start(Cluster.BOOT);
        List<String> left = Until.reached(Duration.ofSeconds(6L * Cluster.RECOVERY_PERIOD_SECONDS + 60), ledger::prepared, List::isEmpty);
        long resolvedMs = (System.nanoTime() - restarting) / 1_000_000;
        assertEquals(List.of(), left, "recovery ends the in-doubt branch");
        if (decidedToCommit) {
            Map<String, Integer> billed = Until.reached(Duration.ofSeconds(60),
                    () -> ledger.acknowledged(ledger.billingQueue(), item), m -> m.containsKey(item));
            assertEquals(Map.of(item, 1), billed, "the committed publish is billed, once");
        } else {
            assertEquals(List.of(), ledger.anywhere(item), "the rolled-back publish is on no queue");
        }
        Cluster.figure("node halted %s: the in-doubt publish was %s by recovery %.1f s after the node was started again"
                + " (recovery scan every %d s)", decidedToCommit ? "after the commit decision" : "before any decision",
                decidedToCommit ? "committed and billed once" : "rolled back (delivered nowhere)", resolvedMs / 1000.0,
                Cluster.RECOVERY_PERIOD_SECONDS);
    }

    private Map<String, Integer> awaitBilled(String prefix, List<String> items) throws Exception {
        return awaitAcknowledged(ledger.billingQueue(), prefix, items);
    }

    /** Waits (up to 90 s: an order in flight at a kill comes back after the 30 s visibility timeout) until every one of {@code items} is acknowledged. */
    private Map<String, Integer> awaitAcknowledged(String queue, String prefix, List<String> items) throws Exception {
        return Until.reached(Duration.ofSeconds(90), () -> ledger.acknowledged(queue, prefix), m -> m.keySet().containsAll(items));
    }
}
