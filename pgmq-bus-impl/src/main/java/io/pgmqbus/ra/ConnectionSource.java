// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.ra;

import io.pgmqbus.api.BusException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.XAConnection;
import org.postgresql.xa.PGXADataSource;

/**
 * The adapter's own connections for the inbound side (reading, acknowledging, heartbeats, the
 * delivery transactions' XA branches): a few idle ones are kept so a delivery does not pay for a
 * new backend, and a connection that failed with SQLSTATE class 08 is dropped, never reused.
 * Outbound connections are the container's (pooled by its connection manager), not these.
 */
public final class ConnectionSource implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConnectionSource.class.getName());

    private final PGXADataSource pooled;
    private final PGXADataSource dataSource;
    private volatile PGXADataSource listening;
    private final int maxIdle;
    /** Idle connections, the most recently returned first. */
    private final Deque<Idle> idle = new ArrayDeque<>();
    private boolean closed;

    /** A pooled connection and when it was returned ({@link System#nanoTime()}). */
    private record Idle(XAConnection connection, long since) {
    }

    /**
     * @param pooled where the pooled inbound connections come from
     * @param dataSource where the connections outside the pool come from (outbound, installer)
     * @param listening where the LISTEN connection comes from
     */
    ConnectionSource(PGXADataSource pooled, PGXADataSource dataSource, PGXADataSource listening, int maxIdle) {
        this.pooled = pooled;
        this.dataSource = dataSource;
        this.listening = listening;
        this.maxIdle = maxIdle;
    }

    /** Work on a borrowed connection. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run(Connection c) throws SQLException;
    }

    /**
     * Runs {@code work} on a pooled connection in auto-commit mode and gives the connection back
     * (dropped when the work found it broken). Every failure is a {@link BusException} naming it.
     */
    public <T> T withConnection(SqlWork<T> work) {
        XAConnection xa;
        try {
            xa = borrow();
        } catch (SQLException e) {
            throw new BusException("pgmq-bus: no database connection: " + e.getMessage(), e.getSQLState(), e);
        }
        Throwable failure = null;
        try {
            return work.run(xa.getConnection());
        } catch (SQLException e) {
            failure = e;
            throw new BusException("pgmq-bus: database connection failed: " + e.getMessage(), e.getSQLState(), e);
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            release(xa, failure);
        }
    }

    /** An XA-capable connection, idle or new; give it back with {@link #release} or {@link #discard}. */
    public XAConnection borrow() throws SQLException {
        synchronized (this) {
            if (closed) {
                throw new SQLException("the pgmq-bus adapter is stopped", "08003");
            }
            Idle reused = idle.pollFirst();
            if (reused != null) {
                return reused.connection();
            }
        }
        return pooled.getXAConnection();
    }

    /**
     * Returns a connection in auto-commit mode for reuse, or drops it when the pool is full or
     * {@code failure} says it is broken (SQLSTATE class 08 or 57P0x). A broken connection drops
     * every idle one too: after a restart or network cut they are all dead, and trying each in
     * turn would cost a failed operation and a back-off apiece.
     */
    public void release(XAConnection connection, Throwable failure) {
        if (failure != null && isConnectionFailure(failure)) {
            discard(connection);
            drainIdle();
            return;
        }
        synchronized (this) {
            if (!closed && idle.size() < maxIdle) {
                idle.addFirst(new Idle(connection, System.nanoTime()));
                return;
            }
        }
        discard(connection);
    }

    public void discard(XAConnection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.log(Level.FINE, "closing a pgmq-bus connection failed", e);
        }
    }

    /** A new XA connection outside this pool (for the container's outbound pool). The caller closes it. */
    public XAConnection openXa() throws SQLException {
        return dataSource.getXAConnection();
    }

    /** A plain connection outside any pool (the installer). The caller closes it. */
    public Connection open() throws SQLException {
        return dataSource.getConnection();
    }

    /**
     * A connection for LISTEN, with the socket that hands wake-ups on at once
     * ({@link io.pgmqbus.ra.inbound.ListenSocketFactory}); where the driver cannot load that
     * factory, a plain one (wake-ups then come a millisecond or so later). The caller closes it.
     */
    public Connection openListening() throws SQLException {
        if (listening != null) {
            try {
                return listening.getConnection();
            } catch (SQLException e) {
                if (!String.valueOf(e.getMessage()).contains("SocketFactory")) {
                    throw e;
                }
                LOG.log(Level.WARNING, "pgmq-bus: the LISTEN connection's socket factory is unavailable; using a plain socket", e);
                listening = null;
            }
        }
        return dataSource.getConnection();
    }

    public static boolean isConnectionFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && BusException.isConnectionFailure(s.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Closes the connections that have been idle for longer than {@code millis}: the pool keeps
     * what its users need now (the most recently used are reused first), not what a burst left.
     *
     * @return how many were closed
     */
    public int closeIdle(long millis) {
        long now = System.nanoTime();
        List<XAConnection> toClose = new ArrayList<>();
        synchronized (this) {
            while (!idle.isEmpty() && now - idle.peekLast().since() > TimeUnit.MILLISECONDS.toNanos(millis)) {
                toClose.add(idle.pollLast().connection());
            }
        }
        toClose.forEach(this::discard);
        return toClose.size();
    }

    /** How many connections wait in the pool. */
    public synchronized int idleCount() {
        return idle.size();
    }

    private void drainIdle() {
        List<XAConnection> toClose = new ArrayList<>();
        synchronized (this) {
            idle.forEach(i -> toClose.add(i.connection()));
            idle.clear();
        }
        toClose.forEach(this::discard);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        drainIdle();
    }
}
