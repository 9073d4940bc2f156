// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.second;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** Deployed and undeployed by the suite: a durable subscription whose queue outlives it. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "second"),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = "keeper"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class KeeperListener implements BusMessageListener {
    @Override
    public void onMessage(BusMessage message) {
        // taking it is enough: the suite checks the queue and its archive
    }
}
