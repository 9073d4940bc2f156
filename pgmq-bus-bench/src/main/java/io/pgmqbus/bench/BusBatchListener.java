// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import io.pgmqbus.api.BusMessage;
import jakarta.inject.Inject;
import java.util.List;

/** What every batch bean of the benchmark does: note the time each message of a call was entered. */
public abstract class BusBatchListener implements io.pgmqbus.api.BusBatchListener {
    @Inject
    private Recorder recorder;

    @Override
    public void onMessages(List<BusMessage> messages) {
        long entered = System.nanoTime();
        for (BusMessage message : messages) {
            recorder.arrived(message.getPayload(), entered);
        }
    }
}
