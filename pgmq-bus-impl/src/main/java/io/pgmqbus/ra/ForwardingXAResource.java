// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * pgjdbc's XA resource with hooks at the points the adapter cares about (branch starting and
 * started, about to commit in one phase, committed, rolled back). Never joined with another
 * branch: pgjdbc supports no TMJOIN across connections, so {@link #isSameRM} is true only for itself.
 */
public abstract class ForwardingXAResource implements XAResource {
    /** Where the resource's branch is, as far as this connection is concerned. */
    public enum Branch {
        /** No branch: the connection is in auto-commit (or a local transaction). */
        NONE,
        /** Started and not ended: work on the connection belongs to the branch. */
        ACTIVE,
        /** Ended (before its prepare or commit, or suspended): no work may join it now. */
        ENDED,
        /** Rolled back, by the transaction manager or its timeout reaper. */
        ROLLED_BACK,
        /** Committed. */
        COMMITTED
    }

    private final XAResource delegate;
    /**
     * Held while work runs in the branch ({@link #inBranchState}) and while the branch changes
     * state, so that a rollback from another thread (a transaction timeout) comes either before
     * the work, which then sees the rollback, or after it, undoing it.
     */
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Branch branch = Branch.NONE;

    protected ForwardingXAResource(XAResource delegate) {
        this.delegate = delegate;
    }

    /** Before a new branch starts (not a join or resume): the connection is outside any transaction. */
    protected void starting() throws XAException {
    }

    /** After a new branch started (not a join or resume). */
    protected void started() throws XAException {
    }

    /** After the branch committed (one or two phase, or a read-only prepare). */
    protected void committed() {
    }

    /** After the branch rolled back (whether or not the rollback itself succeeded). */
    protected void rolledBack() {
    }

    /** After a commit failed: the branch is no longer this connection's, whatever became of it. */
    protected void commitFailed() {
    }

    /** pgjdbc's resource, for subclasses that drive it themselves. */
    protected final XAResource delegate() {
        return delegate;
    }

    /** Starts (or joins, resumes) the branch on the connection: pgjdbc's start by default. */
    protected void startBranch(Xid xid, int flags) throws XAException {
        delegate.start(xid, flags);
    }

    /** Ends the branch on the connection: pgjdbc's end by default. */
    protected void endBranch(Xid xid, int flags) throws XAException {
        delegate.end(xid, flags);
    }

    /** Prepares the branch: pgjdbc's prepare by default. */
    protected int prepareBranch(Xid xid) throws XAException {
        return delegate.prepare(xid);
    }

    /** Commits the branch in one phase: pgjdbc's commit by default. */
    protected void commitOnePhase(Xid xid) throws XAException {
        delegate.commit(xid, true);
    }

    /** Rolls the branch back: pgjdbc's rollback by default, elsewhere when the connection is lost. */
    protected void rollbackBranch(Xid xid) throws XAException {
        anywhere(r -> {
            r.rollback(xid);
            return null;
        });
    }

    /**
     * Where a prepared branch is completed (and branches are listed) when this resource's own
     * connection is gone: a transaction manager recovering after a crash may hold this resource
     * longer than its connection lives. Null: nowhere else.
     */
    protected XAResource elsewhere() {
        return null;
    }

    /**
     * Runs {@code call} on pgjdbc's resource, or on {@link #elsewhere()} when the connection is lost:
     * a prepared branch can be completed from any session.
     */
    private <T> T anywhere(RecoveryXAResource.Call<T> call) throws XAException {
        try {
            return call.on(delegate);
        } catch (XAException e) {
            XAResource other = RecoveryXAResource.connectionLost(e) ? elsewhere() : null;
            if (other == null) {
                throw e;
            }
            try {
                return call.on(other);
            } catch (XAException again) {
                again.addSuppressed(e);
                throw again;
            }
        }
    }

    /**
     * Runs {@code work} with the branch's state, which cannot change until it returns: work that
     * sees {@link Branch#ACTIVE} completes inside the branch, before any rollback.
     */
    public <T> T inBranchState(Function<Branch, T> work) {
        lock.lock();
        try {
            return work.apply(branch);
        } finally {
            lock.unlock();
        }
    }

    private void moveTo(Branch state) {
        branch = state;
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        if (flags == TMNOFLAGS) {
            starting();
        }
        lock.lock();
        try {
            startBranch(xid, flags);
            moveTo(Branch.ACTIVE);
        } finally {
            lock.unlock();
        }
        if (flags == TMNOFLAGS) {
            started();
        }
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        lock.lock();
        try {
            endBranch(xid, flags);
        } finally {
            moveTo(Branch.ENDED);
            lock.unlock();
        }
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        int vote;
        try {
            vote = prepareBranch(xid);
        } catch (XAException e) {
            if (e.errorCode >= XAException.XA_RBBASE && e.errorCode <= XAException.XA_RBEND) {
                // the vote is rollback, and the branch is rolled back already: the transaction
                // manager need not say so, and the connection is free for the next one
                moveTo(Branch.ROLLED_BACK);
                rolledBack();
            }
            throw e;
        }
        if (vote == XA_RDONLY) {
            moveTo(Branch.COMMITTED);
            committed();
        }
        return vote;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        try {
            if (onePhase) {
                commitOnePhase(xid);
            } else {
                anywhere(r -> {
                    r.commit(xid, false);
                    return null;
                });
            }
        } catch (XAException | RuntimeException e) {
            moveTo(Branch.NONE);
            commitFailed();
            throw e;
        }
        moveTo(Branch.COMMITTED);
        committed();
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        lock.lock();
        try {
            rollbackBranch(xid);
        } finally {
            moveTo(Branch.ROLLED_BACK);
            try {
                rolledBack();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public void forget(Xid xid) throws XAException {
        anywhere(r -> {
            r.forget(xid);
            return null;
        });
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return anywhere(r -> r.recover(flag));
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
