// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.outbound;

import io.pgmqbus.ra.ConnectionSource;
import io.pgmqbus.ra.ForwardingXAResource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * A managed connection's XA resource, plus what PostgreSQL needs for wake-ups: a transaction that
 * ran NOTIFY cannot be prepared, so a branch publishes with the trigger's wake-ups off, and the
 * readers are woken after its commit, one phase or two.
 *
 * <p>The branch costs no round trip of its own until it is prepared. pgjdbc's XA start sends
 * {@code BEGIN} as a statement of its own; here the branch starts as a local transaction of the
 * connection instead (auto-commit off, so the first publish carries its {@code BEGIN}), and:
 * <ul>
 * <li>a one-phase commit is the connection's {@code COMMIT}: a JTA publish is two round trips,
 * the publish and the commit;</li>
 * <li>a prepare starts pgjdbc's branch then, on the open transaction, and has pgjdbc prepare it,
 * so the transaction manager and recovery see pgjdbc's branch exactly as before;</li>
 * <li>a branch that sent nothing commits, votes read-only or rolls back without a round trip;</li>
 * <li>a branch whose transaction the database aborted (a statement in it failed, and the caller
 * went on) is reported rolled back, at its commit or its prepare: never committed.</li>
 * </ul>
 */
final class PublishingXAResource extends ForwardingXAResource {
    private final PgmqBusManagedConnection mc;
    /** The branch that runs as the connection's local transaction (started, not yet prepared or completed). */
    private volatile Xid local;
    /** The physical connection behind the managed connection's handle, for its transaction state. */
    private volatile BaseConnection physical;

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
    protected void startBranch(Xid xid, int flags) throws XAException {
        switch (flags) {
            case TMNOFLAGS -> {
                if (local != null) {
                    throw protocol("a branch is already running on this connection; start " + xid + " refused");
                }
                try {
                    connection().setAutoCommit(false); // no round trip: the first statement carries the BEGIN
                } catch (SQLException e) {
                    throw xaException(XAException.XAER_RMFAIL, "cannot start the branch", e);
                }
                local = xid;
            }
            case TMJOIN -> {
                // called under the branch's lock, so its state cannot change meanwhile
                if (local == null || !local.equals(xid) || inBranchState(state -> state != Branch.ENDED)) {
                    throw protocol("only the ended branch of this connection can be joined; join " + xid + " refused");
                }
            }
            case TMRESUME -> throw notSupported();
            default -> throw invalid("start", flags);
        }
    }

    @Override
    protected void endBranch(Xid xid, int flags) throws XAException {
        if (local == null || !local.equals(xid)) {
            throw protocol("end of " + xid + ", which is not the branch of this connection");
        }
        if (flags == TMSUSPEND) {
            throw notSupported();
        }
        if (flags != TMSUCCESS && flags != TMFAIL) {
            throw invalid("end", flags);
        }
    }

    @Override
    protected int prepareBranch(Xid xid) throws XAException {
        if (!takeLocal(xid)) {
            return super.prepareBranch(xid);
        }
        try {
            TransactionState state = transactionState();
            if (state == TransactionState.IDLE) {
                return XA_RDONLY;
            }
            if (state == TransactionState.FAILED) {
                throw abortedByTheDatabase();
            }
            // pgjdbc's BEGIN on the open transaction only draws a warning; its branch is then this transaction
            delegate().start(xid, TMNOFLAGS);
            try {
                delegate().end(xid, TMSUCCESS);
                return delegate().prepare(xid);
            } catch (XAException e) {
                try {
                    delegate().rollback(xid); // pgjdbc forgets the branch (and rolls back what is left of it)
                } catch (XAException again) {
                    e.addSuppressed(again);
                }
                throw e;
            }
        } finally {
            clearWarnings();
            autoCommit();
        }
    }

    @Override
    protected void commitOnePhase(Xid xid) throws XAException {
        if (!takeLocal(xid)) {
            super.commitOnePhase(xid);
            return;
        }
        try {
            TransactionState state = transactionState();
            if (state == TransactionState.FAILED) {
                throw abortedByTheDatabase();
            }
            if (state != TransactionState.IDLE) {
                connection().commit();
            }
        } catch (SQLException e) {
            // what is left of the transaction is rolled back below
            throw xaException(ConnectionSource.isConnectionFailure(e) ? XAException.XAER_RMFAIL
                    : XAException.XA_RBROLLBACK, "the commit failed", e);
        } finally {
            autoCommit();
        }
    }

    @Override
    protected void rollbackBranch(Xid xid) throws XAException {
        if (!takeLocal(xid)) {
            super.rollbackBranch(xid);
            return;
        }
        try {
            if (transactionState() != TransactionState.IDLE) {
                connection().rollback();
            }
        } catch (SQLException e) {
            if (!ConnectionSource.isConnectionFailure(e)) {
                throw xaException(XAException.XAER_RMERR, "the rollback failed", e);
            }
            // a connection that broke took its transaction with it
        } finally {
            autoCommit();
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

    /** Whether {@code xid} is the branch running as the local transaction; if so, it is completed by the caller now. */
    private boolean takeLocal(Xid xid) {
        Xid l = local;
        if (l == null || !l.equals(xid)) {
            return false; // not this connection's local branch: pgjdbc's (prepared), or unknown to both
        }
        local = null;
        return true;
    }

    private Connection connection() {
        return mc.connection();
    }

    private TransactionState transactionState() throws XAException {
        try {
            BaseConnection p = physical;
            if (p == null) {
                p = connection().unwrap(BaseConnection.class); // through pgjdbc's reflective handle: once
                physical = p;
            }
            return p.getTransactionState();
        } catch (SQLException e) {
            throw xaException(XAException.XAER_RMFAIL, "cannot read the connection's transaction state", e);
        }
    }

    /** The database aborted the transaction (a statement failed): it is rolled back here, and said so. */
    private XAException abortedByTheDatabase() {
        XAException e = new XAException("pgmq-bus: the database rolled this transaction back: a statement in it failed"
                + " (a publish that threw BusException), so nothing of it was committed");
        e.errorCode = XAException.XA_RBROLLBACK;
        return e;
    }

    /**
     * Back to auto-commit, outside any transaction, without a round trip when the branch was
     * committed, prepared or never sent anything. Whatever is still open is rolled back first:
     * switching auto-commit on would commit it.
     */
    private void autoCommit() {
        try {
            if (transactionState() != TransactionState.IDLE) {
                connection().rollback();
            }
            connection().setAutoCommit(true);
        } catch (SQLException | XAException e) {
            // a broken connection: the pool drops it when its next use fails
        }
    }

    /** Whether a branch runs on the connection as its local transaction (not to be reset meanwhile). */
    boolean inLocalBranch() {
        return local != null;
    }

    private void clearWarnings() {
        try {
            connection().clearWarnings();
        } catch (SQLException e) {
            // as above
        }
    }

    private static XAException protocol(String what) {
        XAException x = new XAException("pgmq-bus: " + what);
        x.errorCode = XAException.XAER_PROTO;
        return x;
    }

    /** As pgjdbc answers a suspend or a resume. */
    private static XAException notSupported() {
        XAException x = new XAException("pgmq-bus: suspending and resuming a branch is not supported");
        x.errorCode = XAException.XAER_RMERR;
        return x;
    }

    private static XAException invalid(String call, int flags) {
        XAException x = new XAException("pgmq-bus: invalid flags " + flags + " for " + call);
        x.errorCode = XAException.XAER_INVAL;
        return x;
    }

    private static XAException xaException(int code, String what, Exception cause) {
        XAException x = new XAException("pgmq-bus: " + what + ": " + cause.getMessage());
        x.errorCode = code;
        x.initCause(cause);
        return x;
    }
}
