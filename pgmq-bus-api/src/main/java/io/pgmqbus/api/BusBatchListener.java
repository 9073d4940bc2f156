// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.api;

import java.util.List;

/**
 * The batch message listener interface of pgmq-bus message-driven beans: several messages of one
 * subscription per call (at most {@code deliveryBatchSize}, in the order they were published), in
 * one delivery transaction, acknowledged together by one statement only after this method returned
 * normally. When it throws, or the transaction rolls back, the same messages are delivered again
 * one per call, so that only a message that fails alone is retried and, after
 * {@code maxDeliveries}, dead-lettered.
 */
public interface BusBatchListener {
    void onMessages(List<BusMessage> messages);
}
