// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.api.BusMessageListener;
import jakarta.resource.spi.endpoint.MessageEndpoint;
import jakarta.resource.spi.work.Work;
import java.util.logging.Level;
import java.util.logging.Logger;

/** A local-only message (never in the database): delivered once, best effort, like the Python bus's. */
final class LocalDelivery implements Work {
    private static final Logger LOG = Logger.getLogger(LocalDelivery.class.getName());

    private final Activation activation;
    private final DeliveredMessage message;

    LocalDelivery(Activation activation, DeliveredMessage message) {
        this.activation = activation;
        this.message = message;
    }

    @Override
    public void run() {
        try {
            MessageEndpoint endpoint = activation.factory().createEndpoint(null);
            try {
                endpoint.beforeDelivery(activation.batch() ? DeliveryWork.ON_MESSAGES : DeliveryWork.ON_MESSAGE);
                try {
                    if (activation.batch()) {
                        ((io.pgmqbus.api.BusBatchListener) endpoint).onMessages(java.util.List.of(message));
                    } else {
                        ((BusMessageListener) endpoint).onMessage(message);
                    }
                } finally {
                    endpoint.afterDelivery();
                }
            } finally {
                endpoint.release();
            }
        } catch (Throwable t) {
            LOG.log(Level.WARNING, "pgmq-bus: local message on channel '" + message.getChannel()
                    + "' failed; local messages are not redelivered", t);
        } finally {
            activation.sessions().give();
        }
    }

    @Override
    public void release() {
        // finishes on its own; the adapter waits for it with a time limit
    }
}
