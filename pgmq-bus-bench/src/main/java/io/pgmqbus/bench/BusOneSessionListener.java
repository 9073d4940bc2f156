// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import io.pgmqbus.api.BusMessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** Throughput with one session. */
@MessageDriven(messageListenerInterface = BusMessageListener.class, activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "bench.one"),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = "bench"),
        @ActivationConfigProperty(propertyName = "maxSessions", propertyValue = "1"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class BusOneSessionListener extends BusListener {
}
