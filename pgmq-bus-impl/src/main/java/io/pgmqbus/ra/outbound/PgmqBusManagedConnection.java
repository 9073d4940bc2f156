// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra.outbound;

import io.pgmqbus.api.BusException;
import io.pgmqbus.ra.ConnectionSource;
import jakarta.resource.ResourceException;
import jakarta.resource.spi.ConnectionEvent;
import jakarta.resource.spi.ConnectionEventListener;
import jakarta.resource.spi.ConnectionRequestInfo;
import jakarta.resource.spi.LocalTransaction;
import jakarta.resource.spi.ManagedConnection;
import jakarta.resource.spi.ManagedConnectionMetaData;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.security.auth.Subject;
import javax.sql.XAConnection;
import javax.transaction.xa.XAResource;

/**
 * One physical database connection, pooled by the container. Its XA resource (pgjdbc's) is enlisted
 * in the caller's JTA transaction; outside one it publishes in auto-commit mode. A failure with
 * SQLSTATE class 08 is reported as {@code CONNECTION_ERROR_OCCURRED} so the container evicts it.
 */
public final class PgmqBusManagedConnection implements ManagedConnection {
    private static final Logger LOG = Logger.getLogger(PgmqBusManagedConnection.class.getName());

    private final PgmqBusManagedConnectionFactory factory;
    private final XAConnection xa;
    private final Connection connection;
    private final List<ConnectionEventListener> listeners = new CopyOnWriteArrayList<>();
    private final Set<BusConnectionImpl> handles = new CopyOnWriteArraySet<>();
    private final BusLocalTransaction localTransaction;
    private final PublishingXAResource xaResource;
    /** Channels published to in the running XA branch or local transaction, woken after its commit. */
    private final Set<String> wakeAfterCommit = new java.util.LinkedHashSet<>();
    private volatile boolean inBranch;
    /** Whether the trigger's wake-ups are on in this connection's session; null: not known. */
    private volatile Boolean notifying;
    private PrintWriter logWriter;

    PgmqBusManagedConnection(PgmqBusManagedConnectionFactory factory) throws ResourceException {
        this.factory = factory;
        try {
            this.xa = factory.adapter().openXa();
            this.connection = xa.getConnection();
        } catch (SQLException e) {
            throw new ResourceException("pgmq-bus: cannot connect to the database: " + e.getMessage(), e);
        }
        this.localTransaction = new BusLocalTransaction(this);
        try {
            this.xaResource = new PublishingXAResource(xa.getXAResource(), this);
        } catch (SQLException e) {
            throw new ResourceException("pgmq-bus: no XA resource: " + e.getMessage(), e);
        }
    }

    /**
     * Before an XA branch starts, outside any transaction: the trigger's wake-ups go off for this
     * session (a branch that ran NOTIFY could not be prepared, and a NOTIFY in a publisher's
     * transaction serializes every notifying commit of the database); the readers are woken after
     * the commit ({@link io.pgmqbus.ra.inbound.WakeUpSender}).
     */
    void branchStarting() {
        sessionNotifications(false);
        synchronized (wakeAfterCommit) {
            wakeAfterCommit.clear();
        }
        inBranch = true;
    }

    /**
     * Before work outside an XA branch (auto-commit or a local transaction, never prepared): a
     * publish wakes the readers itself after its commit, like a branch; an operator's work (a replay
     * moves messages back onto queues) leaves it to the trigger, whose wake-ups come with the commit.
     */
    void workingOutsideBranch(boolean publishing) {
        if (!inBranch) {
            sessionNotifications(!publishing);
        }
    }

    /**
     * Switches the trigger's wake-ups for this connection's session, only when they are not already
     * so: one statement when the connection changes between publishing and an operator's work,
     * none otherwise. Run outside a transaction, so that no rollback undoes it; inside one, the
     * state is asked again next time.
     */
    private void sessionNotifications(boolean on) {
        if (notifying != null && notifying == on) {
            return;
        }
        notifying = null;
        factory.adapterOrNull().busBackend().sessionNotifications(connection, on);
        try {
            notifying = connection.getAutoCommit() ? on : null;
        } catch (SQLException e) {
            notifying = null;
        }
    }

    /**
     * A publish to {@code channel} succeeded: in auto-commit it has committed, and its readers are
     * woken now; in an XA branch or a local transaction, after the commit (none after a rollback).
     */
    void published(String channel) {
        if (inBranch || localTransaction.active()) {
            synchronized (wakeAfterCommit) {
                wakeAfterCommit.add(channel);
            }
        } else {
            wake(List.of(channel));
        }
    }

    void branchCommitted() {
        inBranch = false;
        committed();
    }

    /** The transaction committed: the readers of the channels it published to are woken. */
    void committed() {
        List<String> channels;
        synchronized (wakeAfterCommit) {
            channels = List.copyOf(wakeAfterCommit);
            wakeAfterCommit.clear();
        }
        wake(channels);
    }

    private void wake(List<String> channels) {
        var adapter = factory.adapterOrNull();
        if (adapter != null && !channels.isEmpty()) {
            adapter.committed(channels);
        }
    }

    /**
     * The branch rolled back: whatever the handles open now do next would not be part of the
     * transaction they were used in, so they refuse to publish (a rollback by a transaction
     * timeout happens while the caller still runs). New handles publish as usual.
     */
    void branchRolledBack() {
        branchEnded();
        handles.forEach(BusConnectionImpl::transactionRolledBack);
    }

    /** The transaction is over without a commit (rolled back, or its commit failed): nobody is woken. */
    void branchEnded() {
        inBranch = false;
        synchronized (wakeAfterCommit) {
            wakeAfterCommit.clear();
        }
    }

    /**
     * Runs a publish of {@code handle}: inside the XA branch while it is active (a rollback from
     * another thread cannot overtake it), in auto-commit or a local transaction when there is no
     * branch, and never when the handle's transaction is over: then it throws {@link BusException}.
     */
    <T> T publish(BusConnectionImpl handle, String what, boolean publishing, ConnectionSource.SqlWork<T> work) {
        return xaResource.inBranchState(state -> {
            if (state == io.pgmqbus.ra.ForwardingXAResource.Branch.ACTIVE) {
                if (factory.adapterOrNull() != null && factory.adapterOrNull().callerTransactionDoomed()) {
                    throw new BusException("pgmq-bus: " + what + " refused: the transaction is marked for rollback"
                            + " (timed out?); nothing would be published");
                }
                return run(what, work);
            }
            if (state == io.pgmqbus.ra.ForwardingXAResource.Branch.ENDED || handle.rolledBack()) {
                throw new BusException("pgmq-bus: " + what + " refused: the transaction this connection was used in"
                        + (handle.rolledBack() ? " was rolled back (timed out?)" : " has ended")
                        + "; nothing was published");
            }
            workingOutsideBranch(publishing);
            return run(what, work);
        });
    }

    private <T> T run(String what, ConnectionSource.SqlWork<T> work) {
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new BusException("pgmq-bus: " + what + " failed: " + e.getMessage(), e.getSQLState(), e);
        }
    }

    PgmqBusManagedConnectionFactory factory() {
        return factory;
    }

    Connection connection() {
        return connection;
    }

    /** Whether the database connection answers within {@code timeoutSeconds}. */
    boolean isValid(int timeoutSeconds) {
        try {
            return connection.isValid(timeoutSeconds);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public Object getConnection(Subject subject, ConnectionRequestInfo info) throws ResourceException {
        BusConnectionImpl handle = new BusConnectionImpl(this, factory.adapter());
        handles.add(handle);
        return handle;
    }

    @Override
    public void associateConnection(Object handle) throws ResourceException {
        if (!(handle instanceof BusConnectionImpl h)) {
            throw new ResourceException("pgmq-bus: not a pgmq-bus connection handle: " + handle);
        }
        h.managedConnection().handles.remove(h);
        h.associate(this);
        handles.add(h);
    }

    /** Called by a handle's close(): the container may pool this connection again. */
    void handleClosed(BusConnectionImpl handle) {
        handles.remove(handle);
        ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_CLOSED);
        event.setConnectionHandle(handle);
        listeners.forEach(l -> l.connectionClosed(event));
    }

    /** Turns a failure into a {@link BusException}; a broken connection is reported so it is evicted. */
    BusException failed(BusException e) {
        if (ConnectionSource.isConnectionFailure(e) || e.isConnectionFailure()) {
            ConnectionEvent event = new ConnectionEvent(this, ConnectionEvent.CONNECTION_ERROR_OCCURRED, e);
            listeners.forEach(l -> l.connectionErrorOccurred(event));
        }
        return e;
    }

    @Override
    public void cleanup() {
        handles.forEach(BusConnectionImpl::invalidate);
        handles.clear();
        try {
            // not while a branch or a local transaction runs on it: switching auto-commit on would commit it
            if (!connection.getAutoCommit() && !localTransaction.active() && !xaResource.inLocalBranch()) {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            LOG.log(Level.FINE, "pgmq-bus: resetting a pooled connection failed", e);
        }
    }

    @Override
    public void destroy() {
        cleanup();
        try {
            xa.close();
        } catch (SQLException e) {
            LOG.log(Level.FINE, "pgmq-bus: closing a pooled connection failed", e);
        }
    }

    @Override
    public void addConnectionEventListener(ConnectionEventListener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeConnectionEventListener(ConnectionEventListener listener) {
        listeners.remove(listener);
    }

    @Override
    public XAResource getXAResource() {
        return xaResource;
    }

    @Override
    public LocalTransaction getLocalTransaction() {
        return localTransaction;
    }

    @Override
    public ManagedConnectionMetaData getMetaData() {
        return new ManagedConnectionMetaData() {
            @Override
            public String getEISProductName() {
                return "PostgreSQL with PGMQ";
            }

            @Override
            public String getEISProductVersion() {
                try {
                    return connection.getMetaData().getDatabaseProductVersion();
                } catch (SQLException e) {
                    return "unknown";
                }
            }

            @Override
            public int getMaxConnections() {
                return 0;
            }

            @Override
            public String getUserName() {
                try {
                    return connection.getMetaData().getUserName();
                } catch (SQLException e) {
                    return null;
                }
            }
        };
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        this.logWriter = out;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }
}
