// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.Resource;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** Creates the example's own table at start (the bus's schema is the adapter's business). */
@Singleton
@Startup
public class ExampleSchema {
    @Resource(lookup = "java:app/jdbc/example")
    private DataSource db;

    @PostConstruct
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void create() {
        try (Connection c = db.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS example_orders (id bigserial PRIMARY KEY, item text NOT NULL,"
                    + " quantity int NOT NULL, placed_at timestamptz NOT NULL DEFAULT now())");
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the example's table: " + e.getMessage(), e);
        }
    }
}
