// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import jakarta.inject.Inject;

/** What every bus bean of the benchmark does: note the time it was entered, nothing else. */
public abstract class BusListener implements BusMessageListener {
    @Inject
    private Recorder recorder;

    @Override
    public void onMessage(BusMessage message) {
        long entered = System.nanoTime();
        recorder.arrived(message.getPayload(), entered);
    }
}
