// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.example.it.edges.SharedWakeListener;
import io.pgmqbus.example.it.edges.twin.SharedWakeTwinListener;
import org.jboss.arquillian.container.test.api.Deployer;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two deployments sharing one adapter instance: WildFly only (the Payara execution leaves this
 * class out). A second activation in the example EAR's adapter must come from another deployment
 * bound to that adapter, and a Payara application cannot bind to another application's adapter:
 * it cannot see that EAR's API classes. The logic is also covered with fake contracts
 * (SubscriptionSharingTest).
 */
@ExtendWith(ArquillianExtension.class)
class SharedAdapterIT {
    private static final String TWIN = "edges-twin";

    @Deployment
    static EnterpriseArchive deployment() {
        return Deployments.exampleWithEdges(SharedAdapterIT.class, DeliveryEdgesIT.class, Deployments.class);
    }

    @Deployment(name = TWIN, managed = false, testable = false)
    static EnterpriseArchive twin() {
        return Deployments.joiningTheExample(TWIN + ".ear", SharedWakeTwinListener.class);
    }

    @ArquillianResource
    private Deployer deployer;

    /**
     * Two activations of one durable subscription in one adapter (the example EAR's bean and a twin
     * in another deployment); the twin is undeployed; a message published then must wake the
     * remaining one: it is taken within 20 s, where without a wake-up it would only be found at
     * the next poll, up to 60 s later ({@code maxPollSeconds} 60).
     */
    @Test
    @RunAsClient
    void undeployingOneOfTwoActivationsOfADurableSubscriptionKeepsTheOtherWoken() throws Exception {
        String queue = DeliveryEdgesIT.queueOf(SharedWakeListener.CHANNEL, SharedWakeListener.SUBSCRIPTION);
        // a message taken now restarts the remaining reader's 60 s wait: its next poll is well after the check below
        String primer = DeliveryEdgesIT.marker();
        DeliveryEdgesIT.publishBySql(SharedWakeListener.CHANNEL, "{\"primer\": \"" + primer + "\"}");
        assertTrue(DeliveryEdgesIT.awaitAcknowledged(queue, "primer", primer, 20_000), "the primer was taken by the only activation");

        deployer.deploy(TWIN);
        deployer.undeploy(TWIN);

        String m = DeliveryEdgesIT.marker();
        long published = System.nanoTime();
        DeliveryEdgesIT.publishBySql(SharedWakeListener.CHANNEL, "{\"shared\": \"" + m + "\"}");
        boolean taken = DeliveryEdgesIT.awaitAcknowledged(queue, "shared", m, 20_000);
        long millis = (System.nanoTime() - published) / 1_000_000;
        assertTrue(taken, "published after the twin's undeploy, not taken by the remaining activation within " + millis
                + " ms: it was not woken (its fallback poll is every " + SharedWakeListener.MAX_POLL_SECONDS + " s)");
    }

}
