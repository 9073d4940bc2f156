// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.inbound;

import io.pgmqbus.api.BusException;
import io.pgmqbus.ra.ConnectionSource;
import io.pgmqbus.ra.ForwardingXAResource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.Xid;

/**
 * The delivery transaction's branch on the adapter's database connection: the message is
 * acknowledged on it, so the acknowledgement commits or rolls back with the bean's work.
 *
 * <p>Nothing of the branch reaches the database before the transaction manager completes it: the
 * bean never uses this connection, and its acknowledgement waits until the branch completes.
 * <ul>
 * <li>Committed in one phase (the bean used no other resource): the acknowledgement and
 * {@code COMMIT} in one round trip, as a local transaction of the connection. pgjdbc's own
 * one-phase commit would cost a round trip of its own, even with nothing left to commit.</li>
 * <li>Prepared (two phases): pgjdbc's branch is started then, the acknowledgement sent in it and
 * the branch prepared, so that the transaction manager and recovery see pgjdbc's branch as
 * before. A branch with nothing to acknowledge votes read-only.</li>
 * <li>Rolled back: nothing was sent, so nothing is undone, without a round trip.</li>
 * </ul>
 * The branch also remembers whether it committed, so a rollback (an exception, or a bean that
 * marked its transaction rollback-only) hands the message back at once with its back-off instead
 * of waiting for the visibility timeout.
 */
final class TrackingXAResource extends ForwardingXAResource {
    private final Connection connection;
    private volatile boolean committed;
    private volatile BranchAcknowledgement pending;
    /** Whether pgjdbc's branch was started (at prepare), so that pgjdbc ends and completes it. */
    private volatile boolean inPgjdbcBranch;

    TrackingXAResource(XAConnection xa) throws SQLException {
        super(xa.getXAResource());
        this.connection = xa.getConnection();
    }

    /**
     * Acknowledges as the branch completes; refused with a {@link BusException} when the branch is
     * not active any more (rolled back by a transaction timeout, ended, completed). Registered
     * under the branch's lock, so a rollback from another thread comes either before (and this is
     * refused) or after (and drops it).
     */
    void acknowledgeAtCompletion(String what, BranchAcknowledgement acknowledgement) {
        inBranchState(state -> {
            if (state != Branch.ACTIVE) {
                throw new BusException("pgmq-bus: " + what + " refused: its transaction is "
                        + (state == Branch.ROLLED_BACK ? "rolled back (timed out?)" : "no longer active (" + state + ")"));
            }
            pending = acknowledgement;
            return null;
        });
    }

    boolean wasCommitted() {
        return committed;
    }

    @Override
    protected void startBranch(Xid xid, int flags) {
        // nothing reaches the database before the branch completes
    }

    @Override
    protected void endBranch(Xid xid, int flags) {
        // likewise
    }

    @Override
    protected int prepareBranch(Xid xid) throws XAException {
        BranchAcknowledgement acknowledgement = take();
        if (acknowledgement == null) {
            return XA_RDONLY;
        }
        delegate().start(xid, TMNOFLAGS);
        inPgjdbcBranch = true;
        try {
            acknowledgement.send(connection);
        } catch (RuntimeException e) {
            XAException failed = failed(e);
            try {
                delegate().end(xid, TMFAIL);
                delegate().rollback(xid);
            } catch (XAException | RuntimeException again) {
                failed.addSuppressed(again);
            }
            inPgjdbcBranch = false;
            throw failed;
        }
        delegate().end(xid, TMSUCCESS);
        return delegate().prepare(xid);
    }

    @Override
    protected void commitOnePhase(Xid xid) throws XAException {
        BranchAcknowledgement acknowledgement = take();
        if (acknowledgement == null) {
            return; // nothing was sent: nothing to commit
        }
        try {
            connection.setAutoCommit(false);
            acknowledgement.sendAndCommit(connection);
        } catch (SQLException | RuntimeException e) {
            XAException failed = failed(e);
            try {
                connection.rollback(); // the acknowledgement failed, so its transaction is still open
            } catch (SQLException again) {
                failed.addSuppressed(again);
            }
            throw failed;
        } finally {
            try {
                connection.setAutoCommit(true); // committed or rolled back: no round trip
            } catch (SQLException e) {
                // the connection is broken; the pool drops it when its next use fails
            }
        }
    }

    @Override
    protected void rollbackBranch(Xid xid) throws XAException {
        pending = null;
        if (inPgjdbcBranch) {
            inPgjdbcBranch = false;
            super.rollbackBranch(xid);
        }
    }

    @Override
    protected void committed() {
        committed = true;
    }

    private BranchAcknowledgement take() {
        BranchAcknowledgement p = pending;
        pending = null;
        return p;
    }

    /** A failed acknowledgement: the branch rolled back, or its resource lost when the connection broke. */
    private static XAException failed(Exception e) {
        XAException failed = new XAException(ConnectionSource.isConnectionFailure(e)
                ? XAException.XAER_RMFAIL : XAException.XA_RBROLLBACK);
        failed.initCause(e);
        return failed;
    }
}
