// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.beans;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import io.pgmqbus.example.Receipts;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** The durable subscription {@code jobs} on channel {@code work}: any PGMQ client can send to its queue. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "work"),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = "jobs"),
        @ActivationConfigProperty(propertyName = "maxPollSeconds", propertyValue = "1"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class WorkListener implements BusMessageListener {
    @EJB
    private Receipts receipts;

    @Override
    public void onMessage(BusMessage message) {
        receipts.note("work", message);
    }
}
