// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.beans;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import io.pgmqbus.example.Receipts;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * An ephemeral subscription to {@code orders} that stores its receipt as the example's beans do and
 * then fails the first delivery of an order whose item starts with {@value #ITEM_PREFIX}: that
 * delivery's transaction rolls back, receipt included, and the second delivery's stays.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "orders"),
        @ActivationConfigProperty(propertyName = "retryBackoffSeconds", propertyValue = "1"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class SecondTryListener implements BusMessageListener {
    public static final String BEAN = "second-try";
    public static final String ITEM_PREFIX = "second-try-";

    @EJB
    private Receipts receipts;

    @Override
    public void onMessage(BusMessage message) {
        if (!message.getPayload().contains("\"" + ITEM_PREFIX)) {
            return;
        }
        receipts.record(BEAN, message);
        if (message.getDeliveryCount() == 1) {
            throw new IllegalStateException(BEAN + ": the first delivery fails after storing its receipt, on purpose");
        }
    }
}
