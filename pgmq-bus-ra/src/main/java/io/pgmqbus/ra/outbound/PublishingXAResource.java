// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.outbound;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * pgjdbc's XA resource for a managed connection, plus what PostgreSQL needs for wake-ups: a
 * transaction that ran NOTIFY cannot be prepared, so a branch starts with notifications suppressed
 * and the readers of every channel it published to are woken right after it commits.
 */
final class PublishingXAResource implements XAResource {
    private final XAResource delegate;
    private final PgmqBusManagedConnection mc;

    PublishingXAResource(XAResource delegate, PgmqBusManagedConnection mc) {
        this.delegate = delegate;
        this.mc = mc;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        delegate.start(xid, flags);
        if (flags == TMNOFLAGS) {
            try {
                mc.branchStarted();
            } catch (RuntimeException e) {
                XAException x = new XAException("pgmq-bus: cannot prepare the branch for publishing: " + e.getMessage());
                x.errorCode = XAException.XAER_RMFAIL;
                x.initCause(e);
                throw x;
            }
        }
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        delegate.end(xid, flags);
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        return delegate.prepare(xid);
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        delegate.commit(xid, onePhase);
        mc.branchCommitted();
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        try {
            delegate.rollback(xid);
        } finally {
            mc.branchRolledBack();
        }
    }

    @Override
    public void forget(Xid xid) throws XAException {
        delegate.forget(xid);
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return delegate.recover(flag);
    }

    @Override
    public boolean isSameRM(XAResource other) {
        // never joined with another branch: pgjdbc supports no TMJOIN across connections
        return other == this;
    }

    @Override
    public int getTransactionTimeout() throws XAException {
        return delegate.getTransactionTimeout();
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return delegate.setTransactionTimeout(seconds);
    }
}
