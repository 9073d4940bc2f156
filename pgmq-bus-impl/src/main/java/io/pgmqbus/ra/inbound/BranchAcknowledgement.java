// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.ra.backend.PgmqBackend;
import io.pgmqbus.ra.backend.Subscription;
import java.sql.Connection;
import java.util.List;

/** The acknowledgement of a transacted delivery's messages, sent as its branch completes ({@link TrackingXAResource}). */
record BranchAcknowledgement(PgmqBackend backend, Subscription subscription, List<Long> msgIds) {
    /** Acknowledges in the connection's transaction. */
    void send(Connection c) {
        backend.acknowledgeAll(c, subscription, msgIds);
    }

    /** Acknowledges and commits the connection's transaction, in one round trip. */
    void sendAndCommit(Connection c) {
        backend.acknowledgeAllAndCommit(c, subscription, msgIds);
    }
}
