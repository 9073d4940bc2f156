// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.bench;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusConnectionFactory;
import jakarta.annotation.Resource;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionManagement;
import jakarta.ejb.TransactionManagementType;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSContext;
import jakarta.jms.JMSDestinationDefinition;
import jakarta.jms.JMSDestinationDefinitions;
import jakarta.jms.Queue;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.UserTransaction;

/**
 * Publishes one message per JTA transaction, the way an application does: begin, publish through
 * the bus's connection factory (or send through WildFly's pooled JMS factory, persistent, or call
 * {@code pgmq.send} on a JTA datasource's connection: {@link AppQueue}), commit.
 * The time just before the commit is recorded: latency is measured from there to onMessage.
 */
@Stateless
@TransactionManagement(TransactionManagementType.BEAN)
@JMSDestinationDefinitions({
        @JMSDestinationDefinition(name = Destinations.LATENCY, interfaceName = "jakarta.jms.Queue",
                destinationName = "benchLatency"),
        @JMSDestinationDefinition(name = Destinations.ONE, interfaceName = "jakarta.jms.Queue",
                destinationName = "benchOne"),
        @JMSDestinationDefinition(name = Destinations.FOUR, interfaceName = "jakarta.jms.Queue",
                destinationName = "benchFour"),
})
public class Publisher {
    @Resource
    private UserTransaction transaction;

    @Resource(lookup = "java:/eis/pgmq-bus")
    private BusConnectionFactory bus;

    /** WildFly's pooled, XA-capable connection factory of the embedded Artemis. */
    @Resource(lookup = "java:/JmsXA")
    private ConnectionFactory jms;

    @Resource(lookup = Destinations.LATENCY)
    private Queue latencyQueue;

    @Resource(lookup = Destinations.ONE)
    private Queue oneQueue;

    @Resource(lookup = Destinations.FOUR)
    private Queue fourQueue;

    /** Publishes message {@code seq} of {@code run} to {@code target} in its own transaction. */
    public void publish(Target target, Run run, long seq) throws Exception {
        String payload = Payload.of(run.id(), seq);
        long begin = System.nanoTime();
        transaction.begin();
        try {
            if (target.bus()) {
                try (BusConnection c = bus.getConnection()) {
                    c.publish(target.address(), payload);
                }
            } else if (target.app()) {
                AppQueue.send(target, payload);
            } else {
                try (JMSContext c = jms.createContext()) {
                    c.createProducer().send(queue(target), payload);
                }
            }
            run.committing(seq, System.nanoTime());
            transaction.commit();
        } catch (Exception | Error e) {
            rollback();
            run.publishFailed(seq);
            throw e;
        }
        run.published(seq, begin, System.nanoTime());
    }

    /**
     * Publishes messages {@code from} to {@code from + count - 1} of {@code run} in one transaction
     * (one publishBatch on the bus; one send each over JMS): a backlog for a drain measurement.
     */
    public void preload(Target target, Run run, long from, int count) throws Exception {
        long begin = System.nanoTime();
        if (target.bus()) {
            java.util.List<String> payloads = new java.util.ArrayList<>(count);
            for (long seq = from; seq < from + count; seq++) {
                payloads.add(Payload.of(run.id(), seq));
            }
            publishAll(target.address(), payloads);
        } else {
            transaction.begin();
            try {
                try (JMSContext c = jms.createContext()) {
                    for (long seq = from; seq < from + count; seq++) {
                        c.createProducer().send(queue(target), Payload.of(run.id(), seq));
                    }
                }
                transaction.commit();
            } catch (Exception | Error e) {
                rollback();
                throw e;
            }
        }
        long end = System.nanoTime();
        for (long seq = from; seq < from + count; seq++) {
            run.published(seq, begin, end);
        }
    }

    /** Publishes {@code payloads} to a bus channel in one transaction: one publish, or one publishBatch for several. */
    public void publishAll(String channel, java.util.List<String> payloads) throws Exception {
        transaction.begin();
        try {
            try (BusConnection c = bus.getConnection()) {
                if (payloads.size() == 1) {
                    c.publish(channel, payloads.get(0));
                } else {
                    c.publishBatch(channel, payloads);
                }
            }
            transaction.commit();
        } catch (Exception | Error e) {
            rollback();
            throw e;
        }
    }

    private void rollback() throws SystemException {
        int status = transaction.getStatus();
        if (status != Status.STATUS_NO_TRANSACTION && status != Status.STATUS_COMMITTED
                && status != Status.STATUS_ROLLEDBACK) {
            transaction.rollback();
        }
    }

    private Queue queue(Target target) {
        return switch (target) {
            case JMS_LATENCY -> latencyQueue;
            case JMS_ONE -> oneQueue;
            case JMS_FOUR -> fourQueue;
            default -> throw new IllegalArgumentException(target + " is not a JMS queue");
        };
    }
}
