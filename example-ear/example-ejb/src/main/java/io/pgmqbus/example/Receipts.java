// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example;

import io.pgmqbus.api.BusMessage;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.Singleton;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * What the example's beans received: rows of {@code example_receipts} in PostgreSQL, each written in
 * the transaction of the delivery it records ({@link #record}), so a delivery that rolls back leaves
 * none and they outlive a redeploy or a restart.
 *
 * <p>Beans that want to count the deliveries whose transaction rolls back too (the test suite's) use
 * {@link #note} instead: kept in memory, lost at undeploy. {@link #all()} and {@link #await} show
 * both.
 */
@Singleton
@DependsOn("ExampleSchema")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class Receipts {
    private static final String COLUMNS = "bean, channel, message_id, type, payload, delivery_count, order_id";

    @Resource(lookup = ExampleSchema.DATASOURCE)
    private DataSource db;

    @Resource
    private TransactionSynchronizationRegistry transactions;

    private final List<Receipt> noted = new ArrayList<>();
    /** Counts commits of receipts and notes: a waiter sleeps until it changes. Guarded by {@link #noted}. */
    private long changes;

    /** Stores what {@code bean} received in the caller's transaction (the delivery's): it commits or rolls back with it. */
    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public void record(String bean, BusMessage message) {
        Receipt r = Receipt.of(bean, message);
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO example_receipts (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.bean());
            ps.setString(2, r.channel());
            ps.setLong(3, r.id());
            ps.setString(4, r.type());
            ps.setString(5, r.payload());
            ps.setInt(6, r.deliveryCount());
            ps.setString(7, r.orderId());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not store the receipt of " + bean + " for message " + r.id() + ": " + e.getMessage(), e);
        }
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {
            }

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    changed();
                }
            }
        });
    }

    /** Keeps what {@code bean} received in memory, whatever becomes of the delivery's transaction. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public void note(String bean, BusMessage message) {
        synchronized (noted) {
            noted.add(Receipt.of(bean, message));
        }
        changed();
    }

    private void changed() {
        synchronized (noted) {
            changes++;
            noted.notifyAll();
        }
    }

    /** The stored receipts in the order they were committed, then the noted ones. */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public List<Receipt> all() {
        List<Receipt> all = new ArrayList<>();
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM example_receipts ORDER BY seq");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                all.add(new Receipt(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                        rs.getInt(6), rs.getString(7)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the receipts: " + e.getMessage(), e);
        }
        synchronized (noted) {
            all.addAll(noted);
        }
        return all;
    }

    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public List<Receipt> of(String bean) {
        return all().stream().filter(r -> r.bean().equals(bean)).toList();
    }

    /**
     * Waits up to {@code millis} until at least {@code count} receipts match, reading again after
     * each commit of a receipt; returns those that match then (fewer on timeout: the caller asserts).
     */
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public List<Receipt> await(Predicate<Receipt> matching, int count, long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (true) {
            long seen;
            synchronized (noted) {
                seen = changes;
            }
            List<Receipt> found = all().stream().filter(matching).toList();
            long left = deadline - System.currentTimeMillis();
            if (found.size() >= count || left <= 0) {
                return found;
            }
            synchronized (noted) {
                while (changes == seen && left > 0) {
                    noted.wait(left);
                    left = deadline - System.currentTimeMillis();
                }
            }
        }
    }

    /** Forgets the noted receipts (the stored ones stay: they are the application's data). */
    public void clear() {
        synchronized (noted) {
            noted.clear();
        }
    }
}
