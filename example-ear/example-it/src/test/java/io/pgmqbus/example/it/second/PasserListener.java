// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.second;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** Deployed and undeployed by the suite: an ephemeral subscription whose queue goes with it. */
@MessageDriven(activationConfig = @ActivationConfigProperty(propertyName = "channel", propertyValue = "second"))
@ResourceAdapter("#pgmq-bus-ra.rar")
public class PasserListener implements BusMessageListener {
    @Override
    public void onMessage(BusMessage message) {
        // nothing: the suite checks the queue's life
    }
}
