// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.edges.twin;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * A second member of the durable subscription of {@link io.pgmqbus.example.it.edges.SharedWakeListener},
 * in a deployment of its own but on the example EAR's adapter (WildFly: named here; Payara: by
 * glassfish-ejb-jar.xml). The suite deploys and undeploys it before anything is published.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "edges.shared.wake"),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = "shared"),
        @ActivationConfigProperty(propertyName = "maxPollSeconds", propertyValue = "60"),
})
@ResourceAdapter("pgmq-bus-example.ear#pgmq-bus-ra.rar")
public class SharedWakeTwinListener implements BusMessageListener {
    @Override
    public void onMessage(BusMessage message) {
        // never published to while deployed
    }
}
