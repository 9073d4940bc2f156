// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.beans;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import io.pgmqbus.example.Receipts;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** A second ephemeral subscription to {@code orders}: it gets every order, as the example's own does. */
@MessageDriven(activationConfig = @ActivationConfigProperty(propertyName = "channel", propertyValue = "orders"))
@ResourceAdapter("#pgmq-bus-ra.rar")
public class AuditListener implements BusMessageListener {
    @EJB
    private Receipts receipts;

    @Override
    public void onMessage(BusMessage message) {
        receipts.note("audit", message);
    }
}
