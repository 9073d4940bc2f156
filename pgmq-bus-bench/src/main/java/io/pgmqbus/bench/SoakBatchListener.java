// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusConnectionFactory;
import io.pgmqbus.api.BusMessage;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import java.util.List;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * The soak's receiver as a batch listener ({@code -Dsoak.listener=batch}): as {@link SoakListener},
 * but up to 10 messages per call, one transaction and one acknowledgement for them, and their
 * receipts in one publish to {@link SoakResource#RECEIPTS} (whose only subscription is the receipts').
 */
@MessageDriven(messageListenerInterface = io.pgmqbus.api.BusBatchListener.class, activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = SoakResource.BATCH_CHANNEL),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = "soak"),
        @ActivationConfigProperty(propertyName = "maxSessions", propertyValue = "4"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class SoakBatchListener implements io.pgmqbus.api.BusBatchListener {
    @Resource(lookup = "java:/eis/pgmq-bus")
    private BusConnectionFactory bus;

    @Override
    public void onMessages(List<BusMessage> messages) {
        List<String> receipts = messages.stream().map(m -> SoakResource.receipt(m.getPayload())).toList();
        try (BusConnection c = bus.getConnection()) {
            c.publishBatch(SoakResource.RECEIPTS, receipts);
        }
    }
}
