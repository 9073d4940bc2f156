// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Deploys, undeploys and redeploys small EARs from the test JVM, checking the database between. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class LifecycleIT {
    @ArquillianResource
    private Deployer deployer;

    @Deployment(name = "second", managed = false, testable = false)
    static EnterpriseArchive second() {
        return Deployments.second();
    }

    @Deployment(name = "example", managed = false, testable = false)
    static EnterpriseArchive example() {
        return Deployments.example();
    }

    @Deployment(name = "invalid", managed = false, testable = false)
    static EnterpriseArchive invalid() {
        return Deployments.invalid();
    }

    private static List<String> await(int size, String sql, String... parameters) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> values = BusDatabase.column(sql, parameters);
        while (values.size() != size && System.nanoTime() < deadline) {
            Thread.sleep(50);
            values = BusDatabase.column(sql, parameters);
        }
        assertEquals(size, values.size(), sql + " " + List.of(parameters) + " -> " + values);
        return values;
    }

    /**
     * The reasons must reach whoever deploys: in the deployment's error (WildFly) or in the server's
     * log (Payara reports only "EJB Container initialization error" to the deployer and logs the
     * adapter's exception). The build names the log in system property {@code server.log}.
     */
    @Test
    void anInvalidActivationConfigFailsTheDeploymentNamingEachProperty() throws Exception {
        Path log = Path.of(System.getProperty("server.log"));
        long mark = Files.exists(log) ? Files.size(log) : 0;
        Exception e = assertThrows(Exception.class, () -> deployer.deploy("invalid"));
        String reported = e.toString() + (e.getCause() == null ? "" : e.getCause().toString());
        List<String> reasons = List.of("channel is required", "batchSize must be a positive number, was -5");
        String text = reported;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!reasons.stream().allMatch(text::contains) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            text = reported + ServerLog.since(log, mark);
        }
        for (String reason : reasons) {
            assertTrue(text.contains(reason), reason + " not in the deployment error nor the server log: " + reported);
        }
    }

    /**
     * The database may hold what earlier executions left (another server's run of this test, an
     * earlier build against the same database): the durable subscription {@code keeper} of channel
     * {@code second} and its queue are shared by them all, by design. So the test looks only at what
     * this execution did: ephemeral subscriptions created since it began, the durable one's join
     * since then, and a message of its own.
     */
    @Test
    void undeployDropsEphemeralQueuesKeepsDurableOnesAndRedeployResumes() throws Exception {
        String since = BusDatabase.single("SELECT clock_timestamp()::text");
        String ephemeral = "SELECT queue_name FROM pgmq_bus.subscription WHERE channel = 'second' AND kind = 'ephemeral'"
                + " AND created_at >= ?::timestamptz";
        String durable = "SELECT queue_name FROM pgmq_bus.subscription WHERE channel = 'second' AND kind = 'durable'";
        deployer.deploy("second");
        String firstEphemeral = await(1, ephemeral, since).get(0);
        String keeper = await(1, durable + " AND last_seen >= ?::timestamptz", since).get(0);

        long start = System.nanoTime();
        deployer.undeploy("second");
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos(), "undeploy returned within the bound");
        await(0, ephemeral, since);
        assertEquals(List.of(), BusDatabase.column("SELECT queue_name FROM pgmq.list_queues() WHERE queue_name = ?",
                firstEphemeral));
        assertEquals(List.of(keeper), BusDatabase.column(durable), "a durable subscription outlives its beans");

        String kept = UUID.randomUUID().toString();
        List<String> reached = BusDatabase.column(
                "SELECT queue_name FROM pgmq_bus.publish('second', jsonb_build_object('kept', ?::text))", kept);
        assertTrue(reached.contains(keeper) && !reached.contains(firstEphemeral),
                "published while undeployed: to the durable queue " + keeper + ", not to the dropped " + firstEphemeral
                        + ": " + reached);
        String queued = "SELECT msg_id FROM pgmq.q_" + keeper + " WHERE message->>'kept' = ?";
        assertEquals(1, BusDatabase.column(queued, kept).size(), "kept in the durable queue while nobody reads it");

        deployer.deploy("second");
        try {
            await(0, queued, kept);
            assertEquals(1, BusDatabase.column("SELECT msg_id FROM pgmq.a_" + keeper + " WHERE message->>'kept' = ?", kept)
                    .size(),
                    "the message published while undeployed was delivered and acknowledged");
            String secondEphemeral = await(1, ephemeral, since).get(0);
            assertTrue(!secondEphemeral.equals(firstEphemeral), "a new ephemeral queue");
        } finally {
            deployer.undeploy("second");
        }
    }

    /**
     * The example's orders and receipts are rows in PostgreSQL: undeploying and deploying the EAR
     * again (as an upgrade does) loses none, and its API lists the receipts from before.
     */
    @Test
    void theExamplesOrdersAndReceiptsOutliveARedeploy() throws Exception {
        deployer.deploy("example");
        boolean deployed = true;
        try {
            String item = "kept-" + UUID.randomUUID();
            String orderId = String.valueOf(ExampleApi.place(item, 1));
            String receipts = "SELECT bean FROM example_receipts WHERE order_id = ? ORDER BY bean";
            assertEquals(List.of("billing", "orders"), ExampleApi.awaitRows(2, receipts, orderId), "both beans stored a receipt");
            assertEquals(List.of("billing|1", "orders|1"), ExampleApi.receiptsOf(orderId).stream().sorted().toList());

            deployer.undeploy("example");
            deployed = false;
            deployer.deploy("example");
            deployed = true;
            assertEquals(List.of("billing|1", "orders|1"), ExampleApi.receiptsOf(orderId).stream().sorted().toList(),
                    "listed again after the redeploy");
            assertEquals(List.of(item), BusDatabase.column("SELECT item FROM example_orders WHERE id = ?::bigint", orderId));
            assertEquals(List.of("billing", "orders"), BusDatabase.column(receipts, orderId), "no receipt twice");
        } finally {
            if (deployed) {
                deployer.undeploy("example");
            }
        }
    }
}
