// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;

/**
 * The current measurement, shared by the publisher and every bean. A message of an older run (late
 * or redelivered) is ignored.
 */
@ApplicationScoped
public class Recorder {
    @Resource
    private TransactionSynchronizationRegistry transactions;

    private volatile Run current;

    /** The run being measured. */
    public Run current() {
        return current;
    }

    public Run start(String id, long windowStart, long windowEnd) {
        Run run = new Run(id, windowStart, windowEnd);
        current = run;
        return run;
    }

    /**
     * What a bean calls first in onMessage, with the time it entered: records the arrival and, when
     * the delivery runs in a transaction (it does: container-managed, required), the acknowledgement
     * once that transaction commits.
     */
    public void arrived(String payload, long enteredNanos) {
        Run run = current;
        if (run == null || !run.id().equals(Payload.run(payload))) {
            return;
        }
        long seq = Payload.seq(payload);
        run.arrived(seq, enteredNanos);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    run.acknowledged(seq, System.nanoTime());
                }
            }
        });
    }
}
