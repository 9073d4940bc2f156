// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.edges;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * The durable subscription {@code owner} of channel {@code edges.typed}, filtered to type
 * {@code a.one}: its queue holds only such messages, so a member with another filter
 * ({@link io.pgmqbus.example.it.edges.clash.TypedTwoListener}, in another EAR with its own adapter)
 * must not join it.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = TypedOneListener.CHANNEL),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = TypedOneListener.SUBSCRIPTION),
        @ActivationConfigProperty(propertyName = "messageTypes", propertyValue = TypedOneListener.TYPES),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class TypedOneListener implements BusMessageListener {
    public static final String CHANNEL = "edges.typed";
    public static final String SUBSCRIPTION = "owner";
    public static final String TYPES = "a.one";

    @Override
    public void onMessage(BusMessage message) {
        // joining is what the suite checks
    }
}
