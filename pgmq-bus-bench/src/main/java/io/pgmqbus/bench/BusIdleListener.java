// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import io.pgmqbus.api.BusMessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** Receives nothing: the idle scenario measures what it costs the database (defaults: notifications, maxPollSeconds 5). */
@MessageDriven(messageListenerInterface = BusMessageListener.class, activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "bench.idle"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class BusIdleListener extends BusListener {
}
