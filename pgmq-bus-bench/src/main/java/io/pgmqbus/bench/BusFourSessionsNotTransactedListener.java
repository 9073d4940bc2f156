// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import io.pgmqbus.api.BusMessageListener;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** Four sessions, not transacted: each message is acknowledged after onMessage, outside a transaction. */
@MessageDriven(messageListenerInterface = BusMessageListener.class, activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "bench.four.nt"),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = "bench"),
        @ActivationConfigProperty(propertyName = "maxSessions", propertyValue = "4"),
})
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
@ResourceAdapter("#pgmq-bus-ra.rar")
public class BusFourSessionsNotTransactedListener extends BusListener {
}
