// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.edges.clash;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * Tries to join the durable subscription of {@link io.pgmqbus.example.it.edges.TypedOneListener}
 * (filter {@code a.one}) with filter {@code a.two}, from an EAR with its own copy of the adapter
 * (the filter is in the database's registry, not in an adapter instance): its deployment must fail.
 * It binds to the adapter of its own EAR (WildFly: named here; Payara: the application's only one).
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "edges.typed"),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = "owner"),
        @ActivationConfigProperty(propertyName = "messageTypes", propertyValue = "a.two"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class TypedTwoListener implements BusMessageListener {
    @Override
    public void onMessage(BusMessage message) {
        throw new AssertionError("never activated");
    }
}
