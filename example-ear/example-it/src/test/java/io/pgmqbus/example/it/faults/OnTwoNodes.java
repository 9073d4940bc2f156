// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.faults;

import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/** A fault test class on one {@link Cluster}, started before its tests and stopped after them; its tests run in order. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class OnTwoNodes {
    /** Tells this run's orders apart from any an earlier run left in the database. */
    protected final String run = UUID.randomUUID().toString().substring(0, 8);
    protected Cluster cluster;
    protected Ledger ledger;

    /** Called before the cluster starts (a class that cannot run here says so with an assumption). */
    protected void beforeCluster() {
    }

    @BeforeAll
    void start() throws Exception {
        beforeCluster();
        cluster = Cluster.start();
        ledger = new Ledger(cluster.db());
    }

    @AfterAll
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
