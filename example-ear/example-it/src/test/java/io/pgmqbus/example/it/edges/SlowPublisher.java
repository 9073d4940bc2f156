// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.example.it.edges;

import io.pgmqbus.api.BusConnection;
import io.pgmqbus.api.BusConnectionFactory;
import io.pgmqbus.api.BusException;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.List;
import org.jboss.ejb3.annotation.TransactionTimeout;

/**
 * Takes a bus connection (enlisted in its container-managed REQUIRED transaction), outlives that
 * transaction's timeout of 1 s (WildFly: {@code @TransactionTimeout}; Payara:
 * {@code cmt-timeout-in-seconds} in the jar's glassfish-ejb-jar.xml), then publishes on it, and
 * records in {@link Observations} what happened.
 */
@Stateless
@TransactionTimeout(SlowPublisher.TIMEOUT_SECONDS)
public class SlowPublisher {
    public static final int TIMEOUT_SECONDS = 1;
    /** Longest wait for the container to act on the timeout (Payara checks timeouts every 10 s). */
    public static final long OUTLIVE_MAX_MS = 15_000;
    public static final String WHO = "slow-publisher";

    @Resource(lookup = "java:app/eis/pgmq-bus")
    private BusConnectionFactory bus;

    @EJB
    private Observations observations;

    @Resource
    private TransactionSynchronizationRegistry tx;

    /**
     * Records {@code "slow-publisher <marker>: BusException from <step>: ..."} when connecting or
     * publishing threw a {@link BusException}, {@code "... published [ids]"} when the publish
     * returned, or {@code "... <exception class> from <step>: ..."} for anything else; then what the
     * transaction did meanwhile.
     */
    public void publishAfterTimeout(String channel, String marker) {
        String step = "getConnection";
        String outcome;
        String state = "";
        try (BusConnection c = bus.getConnection()) {
            state = Observations.outliveTransaction(tx, OUTLIVE_MAX_MS);
            step = "publish";
            List<Long> ids = c.publish(channel, "{\"late\": \"" + marker + "\"}");
            step = "close";
            outcome = "published " + ids;
        } catch (BusException e) {
            outcome = "BusException from " + step + ": " + e.getMessage();
        } catch (RuntimeException e) {
            outcome = e.getClass().getName() + " from " + step + ": " + e.getMessage();
        }
        observations.add(WHO + " " + marker + ": " + outcome + " (" + state + ")");
    }
}
