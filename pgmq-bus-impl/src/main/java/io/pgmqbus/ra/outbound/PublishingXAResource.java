// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.outbound;

import io.pgmqbus.ra.ForwardingXAResource;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/**
 * A managed connection's XA resource, plus what PostgreSQL needs for wake-ups: a transaction that
 * ran NOTIFY cannot be prepared, so a branch publishes with the trigger's wake-ups off, and the
 * readers are woken after its commit, one phase or two.
 */
final class PublishingXAResource extends ForwardingXAResource {
    private final PgmqBusManagedConnection mc;

    PublishingXAResource(XAResource delegate, PgmqBusManagedConnection mc) {
        super(delegate);
        this.mc = mc;
    }

    @Override
    protected void starting() throws XAException {
        try {
            mc.branchStarting();
        } catch (RuntimeException e) {
            throw xaException(XAException.XAER_RMFAIL, "cannot prepare the branch for publishing", e);
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

    @Override
    protected void commitFailed() {
        mc.branchEnded();
    }

    @Override
    protected XAResource elsewhere() {
        var adapter = mc.factory().adapterOrNull();
        return adapter == null ? null : adapter.recoveryResource();
    }

    private static XAException xaException(int code, String what, RuntimeException cause) {
        XAException x = new XAException("pgmq-bus: " + what + ": " + cause.getMessage());
        x.errorCode = code;
        x.initCause(cause);
        return x;
    }
}
