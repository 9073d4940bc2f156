// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import java.sql.SQLException;
import javax.sql.XAConnection;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * The adapter's XA resource for crash recovery: it lists the branches left prepared in PostgreSQL
 * (pgjdbc reads {@code pg_prepared_xacts}) and commits, rolls back or forgets them, on a connection
 * of its own that it replaces whenever the database cut it. A prepared branch can be completed
 * from any session, so the resource never depends on the connection that prepared it.
 *
 * <p>One per adapter. It is what {@code getXAResources} hands the container for inbound branches,
 * and where outbound resources complete branches when their own connection is gone
 * (IronJacamar destroys its recovery connection between scans; a restart cuts them all). Every
 * answer handed out stays usable, whatever happened to the connections since. It starts no branches.
 */
public final class RecoveryXAResource implements XAResource {
    private final ConnectionSource connections;
    /** The current connection, opened on first use and replaced when lost; guarded by this. */
    private XAConnection xa;

    @FunctionalInterface
    interface Call<T> {
        T on(XAResource resource) throws XAException;
    }

    RecoveryXAResource(ConnectionSource connections) {
        this.connections = connections;
    }

    /** Whether a failure says the connection is gone (closed, cut, or the database restarting), not the branch. */
    public static boolean connectionLost(XAException e) {
        return e.errorCode == XAException.XAER_RMFAIL || ConnectionSource.isConnectionFailure(e);
    }

    /** Runs {@code call} on the current connection; when that is lost, once more on a new one. */
    synchronized <T> T call(Call<T> call) throws XAException {
        try {
            return call.on(current());
        } catch (XAException e) {
            if (!connectionLost(e)) {
                throw e;
            }
            close();
            return call.on(current());
        }
    }

    private XAResource current() throws XAException {
        try {
            if (xa == null) {
                xa = connections.openXa();
            }
            return xa.getXAResource();
        } catch (SQLException e) {
            close();
            XAException x = new XAException("pgmq-bus XA recovery: database unavailable: " + e.getMessage());
            x.errorCode = XAException.XAER_RMFAIL;
            x.initCause(e);
            throw x;
        }
    }

    /** Closes the connection; the next call opens a new one. */
    synchronized void close() {
        if (xa != null) {
            connections.discard(xa);
            xa = null;
        }
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return call(r -> r.recover(flag));
    }

    @Override
    public void commit(Xid xid, boolean onePhase) throws XAException {
        call(r -> {
            r.commit(xid, onePhase);
            return null;
        });
    }

    @Override
    public void rollback(Xid xid) throws XAException {
        call(r -> {
            r.rollback(xid);
            return null;
        });
    }

    @Override
    public void forget(Xid xid) throws XAException {
        call(r -> {
            r.forget(xid);
            return null;
        });
    }

    @Override
    public void start(Xid xid, int flags) throws XAException {
        throw protocol("start");
    }

    @Override
    public void end(Xid xid, int flags) throws XAException {
        throw protocol("end");
    }

    @Override
    public int prepare(Xid xid) throws XAException {
        throw protocol("prepare");
    }

    private static XAException protocol(String what) {
        XAException x = new XAException("pgmq-bus: the recovery resource completes branches left in doubt; it cannot " + what + " one");
        x.errorCode = XAException.XAER_PROTO;
        return x;
    }

    @Override
    public boolean isSameRM(XAResource other) {
        return other == this;
    }

    @Override
    public int getTransactionTimeout() {
        return 0;
    }

    @Override
    public boolean setTransactionTimeout(int seconds) {
        return false;
    }
}
