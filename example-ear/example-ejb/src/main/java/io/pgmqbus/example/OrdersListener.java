// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * An ephemeral subscription to channel {@code orders}: every node running this bean gets every
 * order placed while it is up. Its receipt is a row of {@code example_receipts}, written in the
 * delivery's transaction ({@link Receipts#record}).
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "orders"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class OrdersListener implements BusMessageListener {
    @EJB
    private Receipts receipts;

    @Override
    public void onMessage(BusMessage message) {
        Order order = message.payloadAs(Order.class);
        if (order.item == null) {
            throw new IllegalArgumentException("an order without an item: " + message.getPayload());
        }
        receipts.record("orders", message);
    }
}
