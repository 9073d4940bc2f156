// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.beans;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import io.pgmqbus.example.Receipts;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.MessageDrivenContext;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** Transacted (container-managed, REQUIRED): marks its first delivery's transaction rollback-only. */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "rollback"),
        @ActivationConfigProperty(propertyName = "retryBackoffSeconds", propertyValue = "1"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class RollbackListener implements BusMessageListener {
    @EJB
    private Receipts receipts;

    @Resource
    private MessageDrivenContext context;

    @Override
    public void onMessage(BusMessage message) {
        receipts.note("rollback", message);
        if (message.getDeliveryCount() == 1) {
            context.setRollbackOnly();
        }
    }
}
