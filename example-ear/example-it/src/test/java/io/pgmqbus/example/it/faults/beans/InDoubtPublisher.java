// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.faults.beans;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusConnectionFactory;
import io.pgmqbus.example.Order;
import io.pgmqbus.example.OrderService;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.transaction.SystemException;
import jakarta.transaction.TransactionManager;
import java.util.Map;

/**
 * Publishes an order (as the example does) in a two-phase transaction whose second resource ends
 * the JVM: after the bus's branch was prepared and before the transaction manager decided
 * ({@link HaltingXAResource.HaltIn#PREPARE}: enlisted after the bus, so prepared after it), or after
 * it decided to commit and before the bus's branch was committed ({@link HaltingXAResource.HaltIn#COMMIT}:
 * enlisted first, so committed first). Either way the bus's branch is left prepared, in doubt.
 */
@Stateless
public class InDoubtPublisher {
    @Resource(lookup = "java:app/eis/pgmq-bus")
    private BusConnectionFactory bus;

    @Resource(lookup = "java:/TransactionManager")
    private TransactionManager transactions;

    public void publishThenHalt(String item, HaltingXAResource.HaltIn haltIn) throws SystemException, jakarta.transaction.RollbackException {
        HaltingXAResource halting = new HaltingXAResource(haltIn);
        if (haltIn == HaltingXAResource.HaltIn.COMMIT) {
            transactions.getTransaction().enlistResource(halting);
        }
        try (BusConnection c = bus.getConnection()) {
            c.publish(OrderService.CHANNEL, "order.placed", new Order(item, 1), Map.of("orderId", item), null);
        }
        if (haltIn == HaltingXAResource.HaltIn.PREPARE) {
            transactions.getTransaction().enlistResource(halting);
        }
    }
}
