// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.beans;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import io.pgmqbus.example.Receipts;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** Receives what {@link PoisonListener} gave up on, with the failure in header {@code x-dead-letter}. */
@MessageDriven(activationConfig = @ActivationConfigProperty(propertyName = "channel", propertyValue = "poison.dead"))
@ResourceAdapter("#pgmq-bus-ra.rar")
public class DeadLetterListener implements BusMessageListener {
    @EJB
    private Receipts receipts;

    @Override
    public void onMessage(BusMessage message) {
        receipts.note("dead:" + message.getHeader("x-dead-letter"), message);
    }
}
