// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.edges;

import io.pgmqbus.api.BusMessage;
import io.pgmqbus.api.BusMessageListener;
import io.pgmqbus.example.Receipts;
import jakarta.annotation.Resource;
import jakarta.ejb.ActivationConfigProperty;
import jakarta.ejb.EJB;
import jakarta.ejb.MessageDriven;
import jakarta.transaction.TransactionSynchronizationRegistry;
import org.jboss.ejb3.annotation.ResourceAdapter;

/**
 * Transacted (container-managed, REQUIRED). Its first delivery of a message outlives the delivery
 * transaction's timeout, then returns normally: the container has rolled that transaction back (or
 * marked it so) meanwhile, so the message must come back. Later deliveries return at once.
 *
 * <p>The timeout: Payara honours {@code cmt-timeout-in-seconds} (1) in the jar's
 * glassfish-ejb-jar.xml. WildFly starts an adapter's delivery transaction in
 * {@code MessageEndpoint.beforeDelivery} with the transaction manager's default timeout, ignoring
 * {@code @TransactionTimeout}; the suite lowers that default while the first delivery begins.
 */
@MessageDriven(activationConfig = {
        @ActivationConfigProperty(propertyName = "channel", propertyValue = TimeoutAckListener.CHANNEL),
        @ActivationConfigProperty(propertyName = "visibilityTimeout", propertyValue = "10"),
        @ActivationConfigProperty(propertyName = "retryBackoffSeconds", propertyValue = "1"),
        @ActivationConfigProperty(propertyName = "maxPollSeconds", propertyValue = "1"),
})
@ResourceAdapter("#pgmq-bus-ra.rar")
public class TimeoutAckListener implements BusMessageListener {
    public static final String CHANNEL = "edges.timeout.ack";
    public static final String BEAN = "edges-timeout-ack";
    public static final int TIMEOUT_SECONDS = 1;
    /** Longest wait for the container to act on the timeout (Payara checks timeouts every 10 s). */
    public static final long OUTLIVE_MAX_MS = 15_000;
    public static final String STARTED = ": delivery 1 started";
    public static final String RETURNS = ": delivery 1 outlived its ";

    @EJB
    private Receipts receipts;

    @EJB
    private Observations observations;

    @Resource
    private TransactionSynchronizationRegistry tx;

    @Override
    public void onMessage(BusMessage message) {
        receipts.note(BEAN, message);
        if (message.getDeliveryCount() == 1) {
            String who = BEAN + " " + message.getPayload();
            try {
                observations.add(who + STARTED);
                observations.add(who + RETURNS + Observations.outliveTransaction(tx, OUTLIVE_MAX_MS));
            } catch (RuntimeException e) {
                // this delivery must return normally whatever happens here
            }
        }
    }
}
