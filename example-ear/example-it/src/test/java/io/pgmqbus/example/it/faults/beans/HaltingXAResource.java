// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.faults.beans;

import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;
import javax.transaction.xa.Xid;

/**
 * A second resource of a two-phase transaction that ends the server's JVM at one point of the
 * protocol ({@code Runtime.halt}: no shutdown hook, nothing flushed, as kill -9): in its
 * {@code prepare} (the other branch is prepared, the transaction manager has decided nothing), or
 * in its {@code commit} (the transaction manager logged the decision to commit, the other branch is
 * still prepared). It keeps nothing, so after the restart the transaction manager cannot find it
 * again; the branch that matters is the bus's.
 */
public final class HaltingXAResource implements XAResource {
    /** Where the JVM ends. */
    public enum HaltIn { PREPARE, COMMIT }

    private final HaltIn haltIn;

    public HaltingXAResource(HaltIn haltIn) {
        this.haltIn = haltIn;
    }

    @Override
    public int prepare(Xid xid) {
        if (haltIn == HaltIn.PREPARE) {
            Runtime.getRuntime().halt(137);
        }
        return XA_OK;
    }

    @Override
    public void commit(Xid xid, boolean onePhase) {
        if (haltIn == HaltIn.COMMIT) {
            Runtime.getRuntime().halt(137);
        }
    }

    @Override
    public void rollback(Xid xid) {
    }

    @Override
    public void start(Xid xid, int flags) {
    }

    @Override
    public void end(Xid xid, int flags) {
    }

    @Override
    public void forget(Xid xid) {
    }

    @Override
    public Xid[] recover(int flag) throws XAException {
        return new Xid[0];
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
