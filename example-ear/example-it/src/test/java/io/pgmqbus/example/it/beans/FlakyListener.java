// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.beans;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import io.pgmqbus.example.Receipts;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** Fails the first two deliveries of every message, then takes it. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "flaky"),
        @ActivationConfigProperty(propertyName = "retryBackoffSeconds", propertyValue = "1"),
        @ActivationConfigProperty(propertyName = "retryBackoffMultiplier", propertyValue = "1.0"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class FlakyListener implements BusMessageListener {
    @EJB
    private Receipts receipts;

    @Override
    public void onMessage(BusMessage message) {
        receipts.note("flaky", message);
        if (message.getDeliveryCount() <= 2) {
            throw new IllegalStateException("flaky: delivery " + message.getDeliveryCount() + " fails on purpose");
        }
    }
}
