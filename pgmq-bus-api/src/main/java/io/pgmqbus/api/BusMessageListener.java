// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.api;

/**
 * The message listener interface of pgmq-bus message-driven beans. The channel (and more) is chosen
 * with {@code @ActivationConfigProperty}. A message is acknowledged only after this method returned
 * normally (inside the delivery's transaction when the bean is transacted); when it throws, or the
 * transaction rolls back, the message is delivered again after a back-off.
 */
public interface BusMessageListener {
    void onMessage(BusMessage message);
}
