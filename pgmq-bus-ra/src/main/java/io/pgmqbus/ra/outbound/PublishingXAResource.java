// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.outbound;

import io.pgmqbus.ra.ForwardingXAResource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/**
 * A managed connection's XA resource, plus what PostgreSQL needs for wake-ups: a transaction that
 * ran NOTIFY cannot be prepared, so a branch starts with notifications suppressed and the readers
 * of every channel it published to are woken right after it commits.
 */
final class PublishingXAResource extends ForwardingXAResource {
    private final PgmqBusManagedConnection mc;

    PublishingXAResource(XAResource delegate, PgmqBusManagedConnection mc) {
        super(delegate);
        this.mc = mc;
    }

    @Override
    protected void started() throws XAException {
        try {
            mc.branchStarted();
        } catch (RuntimeException e) {
            XAException x = new XAException("pgmq-bus: cannot prepare the branch for publishing: " + e.getMessage());
            x.errorCode = XAException.XAER_RMFAIL;
            x.initCause(e);
            throw x;
        }
    }

    @Override
    protected void committed() {
        mc.branchCommitted();
    }

    @Override
    protected void rolledBack() {
        mc.branchRolledBack();
    }
}
