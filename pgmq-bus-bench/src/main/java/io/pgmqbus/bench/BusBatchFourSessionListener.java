// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.MessageDriven;
import org.jboss.ejb3.annotation.ResourceAdapter;

/** Throughput of a batch listener with 4 session(s): up to 50 messages per call. */
@MessageDriven(messageListenerInterface = io.pgmqbus.api.BusBatchListener.class, activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = "bench.batch.four"),
        @ActivationConfigProperty(propertyName = "subscription", propertyValue = "bench"),
        @ActivationConfigProperty(propertyName = "maxSessions", propertyValue = "4"),
        @ActivationConfigProperty(propertyName = "batchSize", propertyValue = "50"),
        @ActivationConfigProperty(propertyName = "deliveryBatchSize", propertyValue = "50"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class BusBatchFourSessionListener extends BusBatchListener {
}
