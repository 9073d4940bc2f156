// SPDX-License-Identifier: Apache-2.0
package io.pgmqbus.console;

import io.pgmqbus.api.BusOperations;
import io.pgmqbus.api.SubscriptionStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness check {@value #NAME}: DOWN when the database cannot be asked for the subscriptions, or
 * when an activation of this node has been unable to reach it for longer than
 * {@value #MAX_OUTAGE_PROPERTY} (MicroProfile Config or system property; default
 * {@value #DEFAULT_MAX_OUTAGE_SECONDS} s). Each activation appears in the data with its reader's
 * state; dead letters are only counted (a poison message is the application's, not a reason to
 * take the node out of a load balancer).
 */
@Readiness
@ApplicationScoped
public class BusReadiness implements HealthCheck {
    static final String NAME = "pgmq-bus";
    static final String MAX_OUTAGE_PROPERTY = "pgmq.bus.health.maxOutageSeconds";
    static final long DEFAULT_MAX_OUTAGE_SECONDS = 30;
    private static final Logger LOG = Logger.getLogger(BusReadiness.class.getName());

    @Inject
    private Bus bus;

    @Inject
    private NodeActivations activations;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder health = HealthCheckResponse.named(NAME).up();
        try {
            List<SubscriptionStatus> subscriptions = bus.call(BusOperations::subscriptions);
            health.withData("subscriptions", subscriptions.size())
                    .withData("deadLetters", subscriptions.stream().mapToLong(SubscriptionStatus::deadLetters).sum());
        } catch (RuntimeException e) {
            LOG.warning(() -> "readiness " + NAME + ": the database cannot be asked: " + e);
            health.down().withData("database", String.valueOf(e.getMessage()));
        }
        long maxOutageMillis = maxOutageSeconds() * 1000;
        Set<String> named = new HashSet<>();
        for (NodeActivation a : activations.all()) {
            String key = a.channel() + (a.subscription().isEmpty() ? "" : "/" + a.subscription()) + " " + a.activation();
            for (int n = 2; named.contains(key); n++) {
                key = key.replaceFirst(" #\\d+$", "") + " #" + n;
            }
            named.add(key);
            if (a.outageMillis() > maxOutageMillis) {
                health.down().withData(key, "OUTAGE for " + a.outageMillis() / 1000 + " s");
            } else {
                health.withData(key, a.readerState());
            }
        }
        return health.build();
    }

    static long maxOutageSeconds() {
        String value = Bus.Settings.text(MAX_OUTAGE_PROPERTY, String.valueOf(DEFAULT_MAX_OUTAGE_SECONDS));
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            LOG.warning(() -> MAX_OUTAGE_PROPERTY + " is not a number of seconds: " + value + "; using " + DEFAULT_MAX_OUTAGE_SECONDS);
            return DEFAULT_MAX_OUTAGE_SECONDS;
        }
    }
}
