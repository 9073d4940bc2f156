// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * pgjdbc's XA resource with hooks at the points the adapter cares about (branch starting and
 * started, about to commit in one phase, committed, rolled back). Never joined with another
 * branch: pgjdbc supports no TMJOIN across connections, so {@link #isSameRM} is true only for itself.
 */
public abstract class ForwardingXAResource implements XAResource {
    private final XAResource delegate;

    protected ForwardingXAResource(XAResource delegate) {
        this.delegate = delegate;
    }

    /** Before a new branch starts (not a join or resume): the connection is outside any transaction. */
    protected void starting() throws XAException {
    }

    /** After a new branch started (not a join or resume). */
    protected void started() throws XAException {
    }

    /**
     * Before a one-phase commit, still inside the branch's transaction. When it throws, the branch
     * is rolled back and the exception (an {@code XA_RB*} code) goes to the transaction manager.
     */
    protected void committingOnePhase() throws XAException {
    }

    /** After the branch committed (one or two phase, or a read-only prepare). */
    protected void committed() {
    }

    /** After the branch rolled back (whether or not the rollback itself succeeded). */
    protected void rolledBack() {
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        if (flags == TMNOFLAGS) {
            starting();
        }
        delegate.start(xid, flags);
        if (flags == TMNOFLAGS) {
            started();
        }
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        delegate.end(xid, flags);
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        int vote = delegate.prepare(xid);
        if (vote == XA_RDONLY) {
            committed();
        }
        return vote;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        if (onePhase) {
            try {
                committingOnePhase();
            } catch (XAException e) {
                rollback(xid);
                throw e;
            }
        }
        delegate.commit(xid, onePhase);
        committed();
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        try {
            delegate.rollback(xid);
        } finally {
            rolledBack();
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
