// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.outbound;

import jakarta.resource.ResourceException;
import jakarta.resource.spi.LocalTransaction;
import java.sql.SQLException;

/**
 * A resource-local transaction on the managed connection's database connection, demarcated by the
 * container (so no connection events are fired: those are for application-level demarcation).
 */
final class BusLocalTransaction implements LocalTransaction {
    private final PgmqBusManagedConnection mc;
    private volatile boolean active;

    BusLocalTransaction(PgmqBusManagedConnection mc) {
        this.mc = mc;
    }

    boolean active() {
        return active;
    }

    @Override
    public void begin() throws ResourceException {
        try {
            mc.workingOutsideBranch(true);
            mc.connection().setAutoCommit(false);
            active = true;
        } catch (io.pgmqbus.api.BusException e) {
            throw new ResourceException("pgmq-bus: cannot begin a local transaction: " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new ResourceException("pgmq-bus: cannot begin a local transaction: " + e.getMessage(), e);
        }
    }

    @Override
    public void commit() throws ResourceException {
        end(true);
    }

    @Override
    public void rollback() throws ResourceException {
        end(false);
    }

    private void end(boolean commit) throws ResourceException {
        try {
            if (commit) {
                mc.connection().commit();
            } else {
                mc.connection().rollback();
            }
            mc.connection().setAutoCommit(true);
            active = false;
            if (commit) {
                mc.committed();
            } else {
                mc.branchEnded();
            }
        } catch (SQLException e) {
            mc.branchEnded();
            throw new ResourceException("pgmq-bus: local " + (commit ? "commit" : "rollback") + " failed: "
                    + e.getMessage(), e);
        } finally {
            active = false;
        }
    }
}
