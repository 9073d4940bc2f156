// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.ra.ForwardingXAResource;
import javax.transaction.xa.XAResource;

/**
 * The delivery transaction's branch on the adapter's database connection: the message is
 * acknowledged on it, so the acknowledgement commits or rolls back with the bean's work. It
 * remembers whether the branch committed, so a rollback (an exception, or a bean that marked its
 * transaction rollback-only) hands the message back at once with its back-off instead of waiting
 * for the visibility timeout.
 */
final class TrackingXAResource extends ForwardingXAResource {
    private volatile boolean committed;

    TrackingXAResource(XAResource delegate) {
        super(delegate);
    }

    boolean wasCommitted() {
        return committed;
    }

    @Override
    protected void committed() {
        committed = true;
    }
}
