// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example;

import io.pgmqbus.api.BusMessage;
import java.io.Serializable;

/** What a bean received: who, on which channel, which message and how many deliveries it took. */
public record Receipt(String bean, String channel, long id, String type, String payload, int deliveryCount,
                      String orderId) implements Serializable {

    static Receipt of(String bean, BusMessage m) {
        return new Receipt(bean, m.getChannel(), m.getId(), m.getType(), m.getPayload(), m.getDeliveryCount(),
                m.getHeader("orderId"));
    }
}
