// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.beans;

import io.pgmqbus.api.BusBatchListener;
import io.pgmqbus.api.BusMessage;
import io.pgmqbus.example.Receipts;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import java.util.List;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** A batch listener: several messages of channel {@code batch.it} per call; records each with the call's size. */
@MessageDriven(messageListenerInterface = BusBatchListener.class, activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "batch.it"),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = "batch"),
        @ActivationConfigProperty(propertyName = "maxSessions", propertyValue = "1"),
        @ActivationConfigProperty(propertyName = "deliveryBatchSize", propertyValue = "20"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class BatchListener implements BusBatchListener {
    @EJB
    private Receipts receipts;

    @Override
    public void onMessages(List<BusMessage> messages) {
        for (BusMessage m : messages) {
            receipts.note("batch-of-" + messages.size(), m);
        }
    }
}
