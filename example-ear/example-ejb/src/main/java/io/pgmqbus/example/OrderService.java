// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusConnectionFactory;
import io.pgmqbus.api.BusException;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Places an order: writes it to the application's table {@code example_orders} (in PostgreSQL,
 * through the XA datasource {@value ExampleSchema#DATASOURCE}) and publishes it on channel
 * {@code orders}, in one JTA transaction: both happen, or (when anything fails) neither.
 */
@Stateless
public class OrderService {
    public static final String CHANNEL = "orders";

    /** The EAR binds it here on every server: META-INF/glassfish-resources.xml (Payara), jboss-app.xml (WildFly). */
    @Resource(lookup = "java:app/eis/pgmq-bus")
    private BusConnectionFactory bus;

    @Resource(lookup = ExampleSchema.DATASOURCE)
    private DataSource db;

    /**
     * @param failAfterPublish throw after publishing, so the transaction rolls back (for the demo and tests)
     * @return the order's id
     */
    public long place(Order order, boolean failAfterPublish) {
        long id;
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "INSERT INTO example_orders (item, quantity) VALUES (?, ?)", new String[] {"id"})) {
            ps.setString(1, order.item);
            ps.setInt(2, order.quantity);
            ps.executeUpdate();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                rs.next();
                id = rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new BusException("could not store the order: " + e.getMessage(), e);
        }
        try (BusConnection c = bus.getConnection()) {
            c.publish(CHANNEL, "order.placed", order, Map.of("orderId", String.valueOf(id)), null);
        }
        if (failAfterPublish) {
            throw new IllegalStateException("order " + id + " failed after publishing, as asked: rolled back");
        }
        return id;
    }

    /** How many orders the application's table holds with this id (1 after a commit, 0 after a rollback). */
    public int stored(long id) {
        try (Connection c = db.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM example_orders WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new BusException("could not read the orders: " + e.getMessage(), e);
        }
    }
}
