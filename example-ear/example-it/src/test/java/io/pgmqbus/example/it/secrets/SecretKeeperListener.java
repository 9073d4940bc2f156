// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.secrets;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * A durable subscription of the adapter whose password is set in its configuration
 * ({@link io.pgmqbus.example.it.SecretsIT}): taking a message (acknowledged into the archive) is
 * all it does, so that the suite sees delivery resume after an outage. It looks for messages every
 * 2 s besides its wake-ups.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = SecretKeeperListener.CHANNEL),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = SecretKeeperListener.SUBSCRIPTION),
        @ActivationConfigProperty(propertyName = "maxPollSeconds", propertyValue = "2"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class SecretKeeperListener implements BusMessageListener {
    public static final String CHANNEL = "secrets";
    public static final String SUBSCRIPTION = "keeper";

    @Override
    public void onMessage(BusMessage message) {
        // taking it is enough: the suite checks the queue and its archive
    }
}
