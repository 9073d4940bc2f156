// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusConnectionFactory;
import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * The soak's receiver (durable subscription, the defaults: 4 sessions, acknowledged in the delivery's
 * transaction). It keeps nothing in memory: for every message it sends a receipt naming the sequence
 * number to the durable subscription {@link SoakResource#RECEIPTS} that nobody consumes, in the
 * delivery's own transaction, so a receipt exists exactly when the delivery committed, and survives
 * a kill of the server or of the database. The driver counts them at the end.
 */
@MessageDriven(messageListenerInterface = BusMessageListener.class, activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = SoakResource.CHANNEL),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = "soak"),
        @ActivationConfigProperty(propertyName = "maxSessions", propertyValue = "4"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class SoakListener implements BusMessageListener {
    @Resource(lookup = "java:/eis/pgmq-bus")
    private BusConnectionFactory bus;

    @Override
    public void onMessage(BusMessage message) {
        try (BusConnection c = bus.getConnection()) {
            c.send(SoakResource.RECEIPTS, SoakResource.RECEIPTS_SUBSCRIPTION, SoakResource.receipt(message.getPayload()));
        }
    }
}
