// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import io.pgmqbus.api.BusMessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** Latency without notifications: a poll every 100 ms. */
@MessageDriven(messageListenerInterface = BusMessageListener.class, activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "bench.poll"),
        @ActivationConfigProperty(propertyName = "notifications", propertyValue = "false"),
        @ActivationConfigProperty(propertyName = "pollIntervalMs", propertyValue = "100"),
        @ActivationConfigProperty(propertyName = "maxSessions", propertyValue = "4"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class BusPollListener extends BusListener {
}
