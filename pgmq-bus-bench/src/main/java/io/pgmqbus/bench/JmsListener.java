// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import jakarta.inject.Inject;
import jakarta.jms.JMSException;
import jakarta.jms.JMSRuntimeException;
import jakarta.jms.Message;
import jakarta.jms.MessageListener;

/** What every JMS bean of the benchmark does: the same as {@link BusListener}, for a text message. */
public abstract class JmsListener implements MessageListener {
    @Inject
    private Recorder recorder;

    @Override
    public void onMessage(Message message) {
        long entered = System.nanoTime();
        try {
            recorder.arrived(message.getBody(String.class), entered);
        } catch (JMSException e) {
            throw new JMSRuntimeException(e.getMessage(), e.getErrorCode(), e);
        }
    }
}
