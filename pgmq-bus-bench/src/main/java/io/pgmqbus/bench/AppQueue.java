// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * PGMQ used by the application itself, without the bus: what a Jakarta EE application does today
 * with the database it has. A publish is {@code pgmq.send} on a connection of a JTA datasource
 * (the caller's transaction: {@code BEGIN} with the statement, then the commit, as the bus's
 * publish); a worker polls like the raw clients: {@code pgmq.read} of up to 10 and
 * {@code pgmq.delete} of them, each in auto-commit, a millisecond's pause when nothing is there.
 * The driver defines the datasource (WildFly's pool, local transactions enlisted in JTA) before
 * it measures these targets; nothing else in the application needs it.
 */
public final class AppQueue {
    /** Where the driver binds the datasource. */
    public static final String DATASOURCE = "java:/jdbc/BenchApp";

    private static volatile DataSource dataSource;

    private AppQueue() {
    }

    /** Sends {@code payload} to the target's queue on a connection of the datasource (enlisted in the caller's transaction). */
    static void send(Target target, String payload) throws SQLException, NamingException {
        try (Connection c = dataSource().getConnection();
             PreparedStatement send = c.prepareStatement("SELECT * FROM pgmq.send(?, ?::jsonb)")) {
            send.setString(1, target.address());
            send.setString(2, payload);
            try (ResultSet rs = send.executeQuery()) {
                rs.next();
            }
        }
    }

    /**
     * Reads and deletes the target's messages until {@code stop} is set, recording each message of
     * {@code run} as arrived, then (after its delete returned) acknowledged.
     */
    static void work(Target target, Recorder recorder, AtomicBoolean stop) throws SQLException, NamingException {
        try (Connection c = dataSource().getConnection();
             PreparedStatement read = c.prepareStatement("SELECT msg_id, message::text FROM pgmq.read(?, 30, 10)");
             PreparedStatement delete = c.prepareStatement("SELECT pgmq.delete(?, ?::bigint[])")) {
            read.setString(1, target.address());
            delete.setString(1, target.address());
            while (!stop.get()) {
                List<Long> ids = new ArrayList<>(10);
                List<String> payloads = new ArrayList<>(10);
                long entered;
                try (ResultSet rs = read.executeQuery()) {
                    entered = System.nanoTime();
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                        payloads.add(rs.getString(2));
                    }
                }
                if (ids.isEmpty()) {
                    LockSupport.parkNanos(1_000_000); // nothing there: look again in a millisecond
                    continue;
                }
                Run run = recorder.current();
                for (String payload : payloads) {
                    if (run != null && run.id().equals(Payload.run(payload))) {
                        run.arrived(Payload.seq(payload), entered);
                    }
                }
                delete.setArray(2, c.createArrayOf("bigint", ids.toArray()));
                delete.execute();
                long done = System.nanoTime();
                for (String payload : payloads) {
                    if (run != null && run.id().equals(Payload.run(payload))) {
                        run.acknowledged(Payload.seq(payload), done);
                    }
                }
            }
        }
    }

    /** Empties the target's queue (messages an earlier run left), creating it when missing. */
    static void reset(Target target) throws SQLException, NamingException {
        try (Connection c = dataSource().getConnection();
             PreparedStatement create = c.prepareStatement("SELECT pgmq.create(?)");
             PreparedStatement purge = c.prepareStatement("SELECT pgmq.purge_queue(?)")) {
            create.setString(1, target.address());
            create.execute();
            purge.setString(1, target.address());
            purge.execute();
        }
    }

    private static DataSource dataSource() throws NamingException {
        DataSource ds = dataSource;
        if (ds == null) {
            ds = InitialContext.doLookup(DATASOURCE);
            dataSource = ds;
        }
        return ds;
    }
}
