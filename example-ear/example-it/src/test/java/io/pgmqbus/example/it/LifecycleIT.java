// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.testdb.TestDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    @Deployment(name = "invalid", managed = false, testable = false)
    static EnterpriseArchive invalid() {
        return Deployments.invalid();
    }

    private static List<String> column(String sql) throws SQLException {
        try (Connection c = TestDatabase.get().connect(); PreparedStatement ps = c.prepareStatement(sql);
             ResultSet rs = ps.executeQuery()) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    private static List<String> await(String sql, int size) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<String> values = column(sql);
        while (values.size() != size && System.nanoTime() < deadline) {
            Thread.sleep(50);
            values = column(sql);
        }
        assertEquals(size, values.size(), sql + " -> " + values);
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

    @Test
    void undeployDropsEphemeralQueuesKeepsDurableOnesAndRedeployResumes() throws Exception {
        String ephemeral = "SELECT queue_name FROM pgmq_bus.subscription WHERE channel = 'second' AND kind = 'ephemeral'";
        String durable = "SELECT queue_name FROM pgmq_bus.subscription WHERE channel = 'second' AND kind = 'durable'";
        deployer.deploy("second");
        String firstEphemeral = await(ephemeral, 1).get(0);
        String keeper = await(durable, 1).get(0);

        long start = System.nanoTime();
        deployer.undeploy("second");
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(30).toNanos(), "undeploy returned within the bound");
        await(ephemeral, 0);
        assertEquals(List.of(), column("SELECT queue_name FROM pgmq.list_queues() WHERE queue_name = '" + firstEphemeral + "'"));
        assertEquals(List.of(keeper), column(durable), "a durable subscription outlives its beans");

        assertEquals(List.of(keeper), column("SELECT queue_name FROM pgmq_bus.publish('second', '{\"kept\": true}'::jsonb)"));
        assertEquals(List.of("true"), column("SELECT message->>'kept' FROM pgmq.q_" + keeper));

        deployer.deploy("second");
        try {
            await("SELECT msg_id FROM pgmq.q_" + keeper, 0);
            assertEquals(List.of("true"), column("SELECT message->>'kept' FROM pgmq.a_" + keeper),
                    "the message published while undeployed was delivered and acknowledged");
            String secondEphemeral = await(ephemeral, 1).get(0);
            assertTrue(!secondEphemeral.equals(firstEphemeral), "a new ephemeral queue");
        } finally {
            deployer.undeploy("second");
        }
    }
}
