// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.console;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import io.pgmqbus.example.Receipts;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * Durable subscription {@value #SUBSCRIPTION} on channel {@value #CHANNEL}: refuses a message
 * whose payload says {@code "refuse"} until the console replays it (header {@code x-replayed}), so
 * that it is dead-lettered at its first delivery; takes everything else. Records what it took as
 * bean {@value #BEAN}.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = ReplayableListener.CHANNEL),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = ReplayableListener.SUBSCRIPTION),
        @ActivationConfigProperty(propertyName = "maxDeliveries", propertyValue = "1"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class ReplayableListener implements BusMessageListener {
    public static final String CHANNEL = "console.replay";
    public static final String SUBSCRIPTION = "console";
    public static final String BEAN = "replayable";
    public static final String REFUSAL = "console test: refused until replayed";

    @EJB
    private Receipts receipts;

    @Override
    public void onMessage(BusMessage message) {
        if (message.getPayload().contains("refuse") && message.getHeader("x-replayed") == null) {
            throw new IllegalStateException(REFUSAL);
        }
        receipts.note(BEAN, message);
    }
}
