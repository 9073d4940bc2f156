// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.edges;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import io.pgmqbus.example.Receipts;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * The durable subscription {@code shared} of channel {@code edges.shared.wake}, which
 * {@link io.pgmqbus.example.it.edges.twin.SharedWakeTwinListener} (another deployment, the same
 * adapter) joins too. Without a wake-up it would look for messages only every 60 s.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = SharedWakeListener.CHANNEL),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = SharedWakeListener.SUBSCRIPTION),
        @ActivationConfigProperty(propertyName = "maxPollSeconds", propertyValue = "60"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class SharedWakeListener implements BusMessageListener {
    public static final String CHANNEL = "edges.shared.wake";
    public static final String SUBSCRIPTION = "shared";
    public static final int MAX_POLL_SECONDS = 60;

    @EJB
    private Receipts receipts;

    @Override
    public void onMessage(BusMessage message) {
        receipts.note("edges-shared-wake", message);
    }
}
