// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.bad;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** No channel and a negative batch size: the deployment must fail, naming both. */
@MessageDriven(activationConfig = @ActivationConfigProperty(propertyName = "batchSize", propertyValue = "-5"))
@ResourceAdapter("#pgmq-bus-ra.rar")
public class BadConfigListener implements BusMessageListener {
    @Override
    public void onMessage(BusMessage message) {
        throw new AssertionError("never activated");
    }
}
