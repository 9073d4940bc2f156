// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * The durable shared subscription {@code billing} on channel {@code orders}: one queue kept across
 * restarts, every instance on every node competing for its messages (each order billed once).
 * Transacted (the default): the acknowledgement commits with whatever this bean does, here its
 * receipt, a row of {@code example_receipts} ({@link Receipts#record}).
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "orders"),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = "billing"),
        @ActivationConfigProperty(propertyName = "maxSessions", propertyValue = "2"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class BillingListener implements BusMessageListener {
    @EJB
    private Receipts receipts;

    @Override
    public void onMessage(BusMessage message) {
        receipts.record("billing", message);
    }
}
