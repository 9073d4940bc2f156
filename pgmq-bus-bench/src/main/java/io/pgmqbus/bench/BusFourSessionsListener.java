// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import io.pgmqbus.api.BusMessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** Throughput with four sessions. */
@MessageDriven(messageListenerInterface = BusMessageListener.class, activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "bench.four"),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = "bench"),
        @ActivationConfigProperty(propertyName = "maxSessions", propertyValue = "4"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class BusFourSessionsListener extends BusListener {
}
