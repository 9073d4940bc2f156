// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The delivery transaction's branch on the adapter's database connection: the message is
 * acknowledged on it, so the acknowledgement commits or rolls back with the bean's work. It
 * remembers whether the branch committed, so a rollback (an exception, or a bean that marked its
 * transaction rollback-only) hands the message back at once with its back-off instead of waiting
 * for the visibility timeout.
 */
final class TrackingXAResource implements XAResource {
    private final XAResource delegate;
    private volatile boolean committed;

    TrackingXAResource(XAResource delegate) {
        this.delegate = delegate;
    }

    boolean committed() {
        return committed;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        delegate.commit(xid, onePhase);
        committed = true;
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        delegate.end(xid, flags);
    }

    @Override
    public void forget(Xid xid) throws XAException {
        delegate.forget(xid);
    }

    @Override
    public int getTransactionTimeout() throws XAException {
        return delegate.getTransactionTimeout();
    }

    @Override
    public boolean isSameRM(XAResource other) {
        // never joined with another branch: pgjdbc supports no TMJOIN across connections
        return other == this;
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        int vote = delegate.prepare(xid);
        if (vote == XA_RDONLY) {
            committed = true;
        }
        return vote;
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return delegate.recover(flag);
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        delegate.rollback(xid);
    }

    @Override
    public boolean setTransactionTimeout(int seconds) throws XAException {
        return delegate.setTransactionTimeout(seconds);
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        delegate.start(xid, flags);
    }
}
