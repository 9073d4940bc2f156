// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pgmqbus.example.it.beans.SecondTryListener;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.EnterpriseArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The example's REST API as a client sees it, and what it leaves in PostgreSQL, read from the test
 * JVM with plain JDBC ({@link BusDatabase}): the order's row and the beans' receipts.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ExampleWebIT {
    @Deployment(testable = false)
    static EnterpriseArchive deployment() {
        return Deployments.exampleWithTests();
    }

    /** A body that is not an order in JSON is the client's mistake: 400 saying so, never a 500. */
    @ParameterizedTest
    @ValueSource(strings = {"{\"item\": \"book\", \"quantity\": ", "not json at all", "{\"item\": \"book\", \"quantity\": \"many\"}"})
    void aMalformedOrderIsABadRequestWithAMessage(String body) throws Exception {
        HttpResponse<String> r = ExampleApi.post("orders", body);
        assertEquals(400, r.statusCode(), () -> body + " -> " + r.statusCode() + " " + r.body());
        assertTrue(r.body().contains("\"error\""), r.body());
    }

    @Test
    void aPlacedOrderIsARowOfTheExamplesTableInTheBusesPostgres() throws Exception {
        String item = "db-" + UUID.randomUUID();
        long id = ExampleApi.place(item, 3);
        assertEquals(List.of(item + "|3"), BusDatabase.column("SELECT item || '|' || quantity FROM example_orders WHERE id = ?::bigint",
                String.valueOf(id)), "committed with its publish, in the same database as the bus");
        assertEquals(List.of("orders|1"), ExampleApi.awaitRows(1, "SELECT bean || '|' || delivery_count FROM example_receipts"
                + " WHERE bean = 'orders' AND order_id = ?", String.valueOf(id)), "the example's bean stored its receipt");
    }

    /**
     * {@link SecondTryListener} stores its receipt as the example's beans do, then fails the first
     * delivery: the rollback takes that receipt with it, the second delivery's is the only row, and
     * the API lists it.
     */
    @Test
    void aDeliveryThatRollsBackLeavesNoReceiptAndItsRedeliveryLeavesOne() throws Exception {
        String orderId = String.valueOf(ExampleApi.place(SecondTryListener.ITEM_PREFIX + UUID.randomUUID(), 1));
        String sql = "SELECT delivery_count::text FROM example_receipts WHERE bean = ? AND order_id = ?";
        assertEquals(List.of("2"), ExampleApi.awaitRows(1, sql, SecondTryListener.BEAN, orderId), "only the second delivery's receipt");
        assertEquals(List.of(SecondTryListener.BEAN + "|2"), ExampleApi.receiptsOf(orderId).stream()
                .filter(r -> r.startsWith(SecondTryListener.BEAN + "|")).toList(), "listed by the API");
    }
}
