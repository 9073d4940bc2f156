// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.edges;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import io.pgmqbus.example.Receipts;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** The durable subscription {@code watcher} of the channel {@link SlowPublisher} publishes to: its queue keeps every copy. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = PublishWatcher.CHANNEL),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = PublishWatcher.SUBSCRIPTION),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class PublishWatcher implements BusMessageListener {
    public static final String CHANNEL = "edges.timeout.publish";
    public static final String SUBSCRIPTION = "watcher";
    public static final String BEAN = "edges-publish-watcher";

    @EJB
    private Receipts receipts;

    @Override
    public void onMessage(BusMessage message) {
        receipts.note(BEAN, message);
    }
}
