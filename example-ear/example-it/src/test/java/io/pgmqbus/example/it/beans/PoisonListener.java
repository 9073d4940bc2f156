// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.beans;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import io.pgmqbus.example.Receipts;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** Always fails on a poison message: after two deliveries it goes to channel {@code poison.dead}. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "poison"),
        @ActivationConfigProperty(propertyName = "maxDeliveries", propertyValue = "2"),
        @ActivationConfigProperty(propertyName = "retryBackoffSeconds", propertyValue = "1"),
        @ActivationConfigProperty(propertyName = "deadLetterChannel", propertyValue = "poison.dead"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class PoisonListener implements BusMessageListener {
    @EJB
    private Receipts receipts;

    @Override
    public void onMessage(BusMessage message) {
        receipts.note("poison", message);
        if (message.getPayload().contains("poison")) {
            throw new IllegalArgumentException("cannot digest " + message.getPayload());
        }
    }
}
